import Foundation
import Kernel
import Lang
import Synchronization

/// A stand-in language for dispatch tests of the kernel core: one command per line,
/// each producing exactly one kind of output event, so every message mapping can be
/// checked in isolation. (Tests against the real `Lang.Session` are in SessionKernelTests.)
///
///     print TEXT      stream stdout "TEXT\n"          warn TEXT     stream stderr
///     show TEXT       display_data (text/html)        progress N    display + N updates (id "p")
///     clear           clear_output                    help TEXT     page payload
///     value TEXT      result text/plain TEXT          fail NAME     error NAME
///     input PROMPT    reads a line, prints it         spin          runs until interrupted
final class ScriptedInterpreter: KernelInterpreter {
    let interruption = Interruption()
    let started = Atomic<Bool>(false)

    func execute(_ code: String, host: any ExecutionHost) -> ExecutionOutcome {
        interruption.reset()
        var result: MimeBundle?
        for line in code.split(separator: "\n", omittingEmptySubsequences: true) {
            let parts = line.split(separator: " ", maxSplits: 1)
            let command = String(parts[0])
            let argument = parts.count > 1 ? String(parts[1]) : ""
            result = nil
            switch command {
            case "print": host.emit(.stream(.stdout, argument + "\n"))
            case "warn": host.emit(.stream(.stderr, argument + "\n"))
            case "show": host.emit(.display(MimeBundle(plain: argument, html: "<b>\(argument)</b>"), id: nil))
            case "progress":
                host.emit(.display(MimeBundle(plain: "0"), id: "p"))
                for step in 1...(Int(argument) ?? 1) { host.emit(.updateDisplay(MimeBundle(plain: "\(step)"), id: "p")) }
            case "clear": host.emit(.clearOutput(wait: argument == "wait"))
            case "help": host.emit(.page(argument))
            case "value": result = MimeBundle(plain: argument)
            case "fail": return ExecutionOutcome(error: ExecutionError(name: argument, message: "it failed", traceback: ["line 1"]))
            case "input":
                do {
                    let answer = try host.readInput(prompt: argument, password: false)
                    host.emit(.stream(.stdout, answer + "\n"))
                } catch {
                    return ExecutionOutcome(error: ExecutionError(name: "IOError", message: "\(error)", traceback: []))
                }
            case "spin":
                started.store(true, ordering: .sequentiallyConsistent)
                while !interruption.isRequested { usleep(1000) }
                return ExecutionOutcome(error: ExecutionError(name: "Interrupted", message: "interrupted", traceback: []))
            default:
                return ExecutionOutcome(error: ExecutionError(name: "SyntaxError", message: "unknown command \(command)", traceback: []))
            }
        }
        return ExecutionOutcome(result: result)
    }

    func complete(_ code: String, cursor: Int) -> Completion {
        let prefix = String(code.unicodeScalars.prefix(cursor))
        let word = prefix.split(separator: " ").last.map(String.init) ?? ""
        let matches = ["print", "progress", "warn"].filter { $0.hasPrefix(word) }
        return Completion(matches: matches, cursorStart: cursor - word.unicodeScalars.count, cursorEnd: cursor)
    }

    func inspect(_ code: String, cursor: Int, detailLevel: Int) -> MimeBundle? {
        code.hasPrefix("print") ? MimeBundle(plain: "print TEXT (detail \(detailLevel))") : nil
    }

    func isComplete(_ code: String) -> Completeness {
        if code.hasSuffix("{") { return .incomplete(indent: "    ") }
        if code.hasPrefix("}") { return .invalid }
        return .complete
    }
}
