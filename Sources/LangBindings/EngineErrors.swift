// Turning engine errors into the language's runtime errors, naming the function and argument.

import Datasets
import Foundation
import HostMemory
import Lang
import ModelFiles
import Models
import Plot
import Training

/// Converts errors thrown by the engine modules into `RuntimeError`s of the contract's kinds:
/// `IOError` for files, `ValueError` for bad values, `NumericError` for NaN or infinity in
/// training. Every message names the builtin and the argument at fault.
enum EngineErrors {
    /// The runtime error for `error`, thrown while `function` handled `argument`.
    /// Runtime errors pass through unchanged.
    static func convert(_ error: any Error, function: String, argument: String) -> RuntimeError {
        if let e = error as? RuntimeError { return e }
        if let e = error as? DatasetError { return convert(e, function: function, argument: argument) }
        if let e = error as? ModelError {
            switch e {
            case .invalidConfiguration(let message), .invalidInput(let message):
                return RuntimeError(.valueError, "\(function): argument '\(argument)': \(message)")
            case .invalidCheckpoint(let message):
                return RuntimeError(.ioError, "\(function): argument '\(argument)': \(message)")
            case .outOfMemory(let message):
                return RuntimeError(.valueError, "\(function): \(message)")
            case .interrupted:
                return RuntimeError(.interrupted, "\(function): interrupted")
            }
        }
        if let e = error as? HostMemory.Shortage {
            return RuntimeError(.valueError, "\(function): \(e.description)")
        }
        if let e = error as? CheckpointWriteError {
            return RuntimeError(.ioError, "\(function): argument '\(argument)': \(e.description)")
        }
        if let e = error as? TrainingError {
            switch e {
            case .nonFinite(let step, _):
                return RuntimeError(.numericError, "\(function): \(e.description) — at step \(step); try a smaller 'lr'")
            case .invalidArgument(let message):
                return RuntimeError(.valueError, "\(function): argument '\(argument)': \(message)")
            }
        }
        if let e = error as? PlotError {
            return RuntimeError(.valueError, "\(function): argument '\(argument)': \(stripKind(e.message))")
        }
        if let e = error as? TokenizerError {
            return RuntimeError(.ioError, "\(function): argument '\(argument)': \(e.description)")
        }
        let nsError = error as NSError
        if nsError.domain == NSCocoaErrorDomain || nsError.domain == NSPOSIXErrorDomain {
            return RuntimeError(.ioError, "\(function): argument '\(argument)': \(nsError.localizedDescription)")
        }
        return RuntimeError(.valueError, "\(function): argument '\(argument)': \(error)")
    }

    static func convert(_ error: DatasetError, function: String, argument: String) -> RuntimeError {
        switch error {
        case .invalidArgument(_, let name, let message):
            return RuntimeError(.valueError, "\(function): argument '\(name)' \(message)")
        case .fileNotFound, .unreadable, .notUTF8, .unknownFormat, .refused, .writeFailed:
            return RuntimeError(.ioError, "\(function): argument '\(argument)': \(error.description)")
        case .tooLarge:
            return RuntimeError(.valueError, "\(function): argument '\(argument)': \(error.description)")
        case .interrupted:
            return RuntimeError(.interrupted, "\(function): interrupted")
        }
    }

    /// Runs `body`, converting any engine error it throws.
    static func run<T>(_ function: String, _ argument: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw convert(error, function: function, argument: argument)
        }
    }

    /// Plot messages start with the chart kind (`histogram: the data is empty…`); the builtin's
    /// own name replaces it.
    static func stripKind(_ message: String) -> String {
        for kind in ["histogram", "line", "bar", "scatter", "heatmap", "curve"] where message.hasPrefix(kind + ": ") {
            return String(message.dropFirst(kind.count + 2))
        }
        return message
    }
}

/// Paths as the user wrote them: `~` expanded, relative paths taken from the working directory.
enum Paths {
    static func resolve(_ path: String) -> String {
        (path as NSString).expandingTildeInPath
    }

    /// Whether `path` exists and is a directory.
    static func isDirectory(_ path: String) -> Bool {
        var flag: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &flag) && flag.boolValue
    }

    static func exists(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: path)
    }
}
