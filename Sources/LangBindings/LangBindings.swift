// The bridge from the language to the engine: every engine builtin, grouped by category.

import Lang

/// The engine's builtins for the latent language — the only place where `Lang` meets
/// `Datasets`, `Models`, `Training` and `Plot`.
///
/// ```swift
/// let session = Session(builtins: LangBindings.all)
/// ```
public enum LangBindings {
    /// Every engine builtin, in help order: Data, Models, Training, Inference, Plots.
    public static var all: [Builtin] {
        (data + models + training + inference + plots).map { builtin in
            var b = builtin
            if b.link == "docs/language.md" { b.link = b.category == "Plots" ? "docs/builtins-engine.md" : "docs/method.md" }
            return b
        }
    }

    /// `arith`, `load_data`, `save`, `split`, `take`.
    public static var data: [Builtin] {
        let builtins = DataBuiltins.all
        return Array(builtins.prefix(2)) + [SaveBuiltin.save] + Array(builtins.dropFirst(2))
    }

    /// `model`, `load_model`, `params`, `tokenize`, `detokenize`, `predict`.
    public static var models: [Builtin] { ModelBuiltins.all }

    /// `sft`, `distill`, `rl`.
    public static var training: [Builtin] { TrainingBuiltins.all }

    /// `evaluate`, `solve`.
    public static var inference: [Builtin] { InferenceBuiltins.all }

    /// `hist`, `line`, `bar`, `scatter`, `heatmap`, `curve`.
    public static var plots: [Builtin] { PlotBuiltins.all }

    /// The category names, in order.
    public static let categories = ["Data", "Models", "Training", "Inference", "Plots"]

    /// A Markdown reference of the engine builtins: per category, each builtin's signature,
    /// summary and example (this is `docs/builtins-engine.md`).
    public static func markdownReference() -> String {
        var out = """
        # Engine builtins

        The builtins that `LangBindings` registers on top of the General ones of the language
        contract (LANGUAGE.md). Generated from `LangBindings.all` by
        `Tests/LangBindingsTests/DocumentationTests.swift` (run it with `LATENT_UPDATE_DOCS=1`
        to rewrite this file); `help(f)` shows the same text.

        """
        for category in categories {
            let members = all.filter { $0.category == category }
            guard !members.isEmpty else { continue }
            out += "\n## \(category)\n"
            for b in members {
                out += "\n### `\(b.name)`\n\n    \(b.signature)\n\n\(b.summary)\n\n    \(b.example)\n\nMore: \(b.link)\n"
            }
        }
        return out
    }
}
