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

    @Test func referenceFileIsUpToDate() throws {
        let reference = LangBindings.markdownReference()
        if ProcessInfo.processInfo.environment["LATENT_UPDATE_DOCS"] != nil {
            try reference.write(to: Self.docsURL, atomically: true, encoding: .utf8)
        }
        let stored = try String(contentsOf: Self.docsURL, encoding: .utf8)
        #expect(stored == reference, "docs/builtins-engine.md is stale: run the tests with LATENT_UPDATE_DOCS=1")
    }
}
