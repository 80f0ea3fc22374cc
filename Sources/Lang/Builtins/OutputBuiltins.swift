// Output, input, help and the environment: print, warn, show, help, clear, input, env, exists, clock,
// seed, random.

import Foundation
import Support

extension GeneralBuiltins {
    static func output() -> [Builtin] {
        [
            Builtin(
                name: "print", isVariadic: true,
                summary: "Writes its arguments to standard output, separated by spaces (strings without quotes).",
                example: "print(\"loss\", 0.25, [1, 2])  # loss 0.25 [1, 2]"
            ) { args, context in
                context.emit(.stream(.stdout, args.rest.map(\.printText).joined(separator: " ") + "\n"))
                return .null
            },
            Builtin(
                name: "warn", isVariadic: true,
                summary: "Writes its arguments to standard error, separated by spaces.",
                example: "warn(\"no test split given\")"
            ) { args, context in
                context.emit(.stream(.stderr, args.rest.map(\.printText).joined(separator: " ") + "\n"))
                return .null
            },
            Builtin(
                name: "show", parameters: [.init("v")],
                summary: "Displays a value at once, richly (tables as HTML, plots as SVG in Jupyter).",
                example: "show({accuracy: 0.91, mean_length: 8.2})"
            ) { args, context in
                context.emit(.display(args["v"].mimeBundle, id: nil))
                return .null
            },
            Builtin(
                name: "help", parameters: [.init("f", default: .null)],
                summary: "Lists the builtins, or shows a function's signature, summary and example.",
                example: "help(round)"
            ) { args, context in
                context.emit(.page(helpText(args["f"], context.runtime)))
                return .null
            },
            Builtin(
                name: "clear", parameters: [.init("wait", default: false)],
                summary: "Clears the cell's output (with wait: true, when the next output arrives); a terminal ignores it.",
                example: "clear(wait: true)"
            ) { args, context in
                context.emit(.clearOutput(wait: try args.bool("wait")))
                return .null
            },
            Builtin(
                name: "input", parameters: [.init("prompt", default: "")],
                summary: "Reads a line from the user (IOError when the front end allows no input).",
                example: "name = input(\"model directory? \")"
            ) { args, context in
                .string(try context.readInput(prompt: try args.string("prompt")))
            },
            Builtin(
                name: "env", parameters: [.init("name"), .init("default", default: .null)],
                summary: "The value of an environment variable, or the default when it is not set.",
                example: "threads = env(\"OPENBLAS_NUM_THREADS\", default: \"2\")"
            ) { args, _ in
                ProcessInfo.processInfo.environment[try args.string("name")].map { .string($0) } ?? args["default"]
            },
            Builtin(
                name: "exists", parameters: [.init("path")],
                summary: "Whether a file or directory exists at the path (relative to the working directory).",
                example: "if not exists(\"runs/teacher\") { print(\"train the teacher first\") }"
            ) { args, _ in
                .bool(FileManager.default.fileExists(atPath: try args.string("path")))
            },
            Builtin(
                name: "clock",
                summary: "Seconds since an arbitrary start, for timing.",
                example: "t0 = clock(); sft(m, data); print(clock() - t0)"
            ) { _, context in
                .number(ProcessInfo.processInfo.systemUptime - context.runtime.clockStart)
            },
            Builtin(
                name: "seed", parameters: [.init("n")],
                summary: "Seeds every random draw that follows (random, shuffle and engine builtins without a seed label).",
                example: "seed(42)"
            ) { args, context in
                let n = try args.int("n")
                context.runtime.random = SplitMix64(seed: UInt64(bitPattern: Int64(n)))
                return .null
            },
            Builtin(
                name: "random",
                summary: "A uniform random number in [0, 1), reproducible after seed(n).",
                example: "seed(1); x = random()"
            ) { _, context in
                .number(context.randomUnit())
            },
        ]
    }

    /// `help()`, `help(f)`, `help("name")` or `help(x)` for any other value.
    static func helpText(_ subject: Value, _ runtime: Runtime) -> String {
        switch subject {
        case .null:
            return index(runtime.builtins)
        case .function(let f):
            return f.helpText
        case .string(let name):
            if case .function(let f)? = runtime.global(name) { return f.helpText }
            if TokenKind.keywords[name] != nil { return keywordHelp(name) }
            return "No function named '\(name)'. help() lists the builtins."
        case .record(let r):
            return "a record with fields: " + r.keys.joined(separator: ", ")
        case .object(let o):
            let fields = o.fieldNames.isEmpty ? "" : "\nfields: " + o.fieldNames.joined(separator: ", ")
            return "a \(o.typeName): \(o.plainText)\(fields)"
        default:
            return "a \(subject.typeName): \(subject.plainText)"
        }
    }

    static func keywordHelp(_ keyword: String) -> String {
        switch keyword {
        case "fn": return "fn name(a, b, lr: 0.001) { … }  defines a function; parameters with a default may be passed by label."
        case "if", "else": return "if c { … } else if d { … } else { … }  is an expression: its value is the branch taken (nil when none runs)."
        case "for", "in": return "for x in xs { … }  walks a list, a range, a record's keys, a string or a dataset."
        case "while": return "while c { … }  repeats while c is true."
        case "break", "continue": return "break leaves the innermost loop; continue starts its next turn."
        case "return": return "return expr  leaves the function with that value."
        case "and", "or", "not": return "and, or, not  combine true and false; and/or stop early."
        default: return "\(keyword): a literal value."
        }
    }
}

extension CallContext {
    /// Runs `body` with the session's random generator (internal builtins that shuffle).
    func withRandom<T>(_ body: (inout SplitMix64) throws -> T) rethrows -> T {
        try body(&runtime.random)
    }
}
