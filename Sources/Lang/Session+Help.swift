// The builtins' help as Markdown, for docs/language.md and front ends that render Markdown.

extension Session {
    /// Every registered builtin as Markdown: grouped by category, each with its signature,
    /// summary and example.
    public func helpMarkdown() -> String {
        var categories: [String] = []
        for b in builtins where !categories.contains(b.category) { categories.append(b.category) }
        var out: [String] = []
        for c in categories {
            out.append("### \(c)\n")
            for b in builtins where b.category == c {
                out.append("#### `\(b.name)`\n")
                out.append("`\(b.signature)` — \(b.summary)\n")
                out.append("```\n\(b.example)\n```\n")
            }
        }
        return out.joined(separator: "\n")
    }
}
