// save(x, path): one builtin that writes a dataset, a model, a plot or (to a .json path) plain
// values, by the type of x.

import Datasets
import Foundation
import Lang
import ModelFiles
import Models
import Plot

/// `save` dispatches on what it is given: a dataset → JSON Lines file, a model → directory of
/// `model.safetensors`, `config.json`, `tokenizer.json`, a plot → SVG file; numbers, strings,
/// lists, records and tables to a path ending in `.json` → a JSON file (JSONExport).
enum SaveBuiltin {
    static var save: Builtin {
        Builtin(
            name: "save", parameters: [.init("x"), .init("path")],
            summary: "Writes a dataset as JSON Lines ({question, steps, answer}), a model as a directory "
                + "(model.safetensors, config.json, tokenizer.json), a plot as an SVG file, or numbers, strings, lists, "
                + "records and tables as a JSON file (a path ending in .json).",
            example: "save(parts.test, \"test.jsonl\")  # also save(m, \"runs/m1\"), save(p, \"loss.svg\"), save({accuracy: e.accuracy}, \"e.json\")",
            category: DataBuiltins.category
        ) { args, context in
            let path = Paths.resolve(try args.string("path"))
            switch args["x"] {
            case .object(let data as DatasetObject):
                try EngineErrors.run("save", "path") { try data.dataset.save(to: path) }
            case .object(let model as ModelObject):
                let interruption = context.interruption
                try saveModel(model, to: path) { interruption.isRequested }
            case .object(let plot as PlotObject):
                guard !Paths.isDirectory(path) else {
                    throw RuntimeError(.ioError, "save: argument 'path' \(path) is a directory; give a file name such as \"plot.svg\"")
                }
                do {
                    try plot.chart.write(toFile: path)
                } catch let e as PlotError {
                    throw RuntimeError(.ioError, "save: argument 'path': \(e.message)")
                }
            case let value where path.lowercased().hasSuffix(".json"):
                let json = try JSONExport.json(value)
                guard !Paths.isDirectory(path) else {
                    throw RuntimeError(.ioError, "save: argument 'path' \(path) is a directory; give a file name such as \"results.json\"")
                }
                do {
                    try Data(json.serialized()).write(to: URL(fileURLWithPath: path), options: .atomic)
                } catch {
                    throw RuntimeError(.ioError, "save: argument 'path': cannot write \(path): \(error.localizedDescription)")
                }
            default:
                throw args.typeError("x", expected: "a dataset, a model, a plot, or (to a .json path) numbers, strings, lists, records or tables")
            }
            return .null
        }
    }

    /// Saves a model directory as a whole (the old one stays until the new one is complete);
    /// `shouldStop` (the interrupt flag) abandons it between steps, leaving the old one.
    static func saveModel(_ model: ModelObject, to path: String, shouldStop: () -> Bool) throws {
        if Paths.exists(path) && !Paths.isDirectory(path) {
            throw RuntimeError(.ioError, "save: argument 'path' \(path) is a file; a model is saved as a directory (e.g. \"runs/m1\")")
        }
        do {
            if let latent = model.latent {
                try latent.save(to: URL(fileURLWithPath: path), tokenizer: model.tokenizer, shouldStop: shouldStop)
            } else {
                try Checkpoint.save(model.model, tokenizer: model.tokenizer, to: URL(fileURLWithPath: path), shouldStop: shouldStop)
            }
        } catch let e as ModelError {
            throw EngineErrors.convert(e, function: "save", argument: "x")
        } catch let e as CheckpointWriteError {
            throw EngineErrors.convert(e, function: "save", argument: "path")
        } catch {
            throw RuntimeError(.ioError, "save: argument 'path': cannot write the model directory \(path): \(error.localizedDescription)")
        }
    }
}
