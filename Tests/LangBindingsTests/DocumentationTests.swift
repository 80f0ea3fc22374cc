// docs/builtins-engine.md is generated from the registered builtins and must stay in step.

import Foundation
import Lang
import LangBindings
import Testing

@Suite struct DocumentationTests {
    static var docsURL: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/builtins-engine.md")
    }

    @Test func everyBuiltinHasASummaryAnExampleAndACategory() {
        let names = LangBindings.all.map(\.name)
        #expect(Set(names).count == names.count)
        for b in LangBindings.all {
            #expect(!b.summary.isEmpty && !b.example.isEmpty, "\(b.name)")
            #expect(LangBindings.categories.contains(b.category), "\(b.name): \(b.category)")
            #expect(b.signature.hasPrefix(b.name + "("), "\(b.name)")
        }
        let session = engineSession()
        #expect(session.ok("type(sft)") == "\"function\"")
    }

    /// Builtin help reads as a reference: at most four sentences, an example and a link to a
    /// document of the repository; `help(distill)` stays under 120 words with its recipes.
    @Test func everyHelpIsShortWithAnExampleAndALink() throws {
        let root = Self.docsURL.deletingLastPathComponent().deletingLastPathComponent()
        for b in LangBindings.all + Session().builtins {
            // Sentence ends: a stop followed by a space or the end, not inside "e.g." or a number.
            let text = b.summary.replacingOccurrences(of: "e.g.", with: "eg").replacingOccurrences(of: "i.e.", with: "ie")
            let sentences = text.matches(of: /[.!?][)"'`]?(\s|$)/).count
            #expect(sentences <= 4, "\(b.name): \(sentences) sentences")
            #expect(b.helpText.contains("Example:\n    \(b.example)") && b.helpText.hasSuffix("More: \(b.link)"), "\(b.name)")
            #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent(b.link).path), "\(b.name): \(b.link)")
        }
        // The trainers' signatures are written out (to show 1e-3 rather than 0.001): they name
        // every parameter, in order.
        for b in LangBindings.training {
            let names = b.signature.dropFirst(b.name.count + 1).dropLast().split(separator: ",")
                .map { $0.split(separator: ":")[0].trimmingCharacters(in: .whitespaces) }
            #expect(names == b.parameters.map(\.name), "\(b.name)")
        }
        let distill = try #require(LangBindings.all.first { $0.name == "distill" })
        let words = distill.helpText.split(whereSeparator: \.isWhitespace).count
        #expect(words <= 120, "help(distill) has \(words) words")
        #expect(distill.parameters.count <= 14)
    }

    @Test func referenceFileIsUpToDate() throws {
        let reference = LangBindings.markdownReference()
        if ProcessInfo.processInfo.environment["LATENT_UPDATE_DOCS"] != nil {
            try reference.write(to: Self.docsURL, atomically: true, encoding: .utf8)
        }
        let stored = try String(contentsOf: Self.docsURL, encoding: .utf8)
        #expect(stored == reference, "docs/builtins-engine.md is stale: run the tests with LATENT_UPDATE_DOCS=1")
    }
}
