// The input history of this kernel process, answered for `history_request`.

import Support

/// Executed inputs (and the text of their results) numbered by execution count. In memory
/// only: a restarted kernel starts a fresh history, as a fresh session.
public struct History: Sendable {
    /// One executed cell.
    public struct Entry: Sendable, Equatable {
        public var line: Int
        public var input: String
        /// The result's `text/plain`, nil when the cell had none.
        public var output: String?
    }

    /// The session number every entry of this process reports.
    public static let session = 1

    public private(set) var entries: [Entry] = []

    public init() {}

    public mutating func append(line: Int, input: String, output: String?) {
        entries.append(Entry(line: line, input: input, output: output))
    }

    /// The entries a query selects, as `history_reply` rows
    /// `[session, line, input]` or `[session, line, [input, output]]`.
    public func rows(for query: HistoryQuery) -> [JSONValue] {
        select(query.access).map { entry in
            let item: JSONValue = query.output
                ? .array([.string(entry.input), entry.output.map(JSONValue.string) ?? .null])
                : .string(entry.input)
            return .array([.int(Self.session), .int(entry.line), item])
        }
    }

    func select(_ access: HistoryQuery.Access) -> [Entry] {
        switch access {
        case .tail(let n):
            return Array(entries.suffix(n))
        case .range(let session, let start, let stop):
            // Session 0 means "the current one" (IPython's convention); others don't exist here.
            guard session == 0 || session == Self.session else { return [] }
            return entries.filter { entry in entry.line >= start && (stop.map { entry.line < $0 } ?? true) }
        case .search(let pattern, let n, let unique):
            let glob = Glob(pattern)
            var matches = entries.filter { glob.matches($0.input) }
            if unique {
                // Keep the latest occurrence of each distinct input, in history order.
                var seen = Set<String>()
                matches = matches.reversed().filter { seen.insert($0.input).inserted }.reversed()
            }
            if let n { matches = Array(matches.suffix(n)) }
            return matches
        }
    }
}

/// A shell-style glob matched against a whole string: `*` any run, `?` one character,
/// `[abc]`/`[a-z]`/`[!a]` one character from a set (as sqlite's GLOB, case-sensitive).
struct Glob {
    private let pattern: [Character]

    init(_ pattern: String) {
        self.pattern = Array(pattern)
    }

    func matches(_ text: String) -> Bool {
        let text = Array(text)
        // Iterative matcher with backtracking to the last `*`: linear memory, no recursion.
        var p = 0, t = 0
        var starP = -1, starT = 0
        while t < text.count {
            if p < pattern.count, pattern[p] == "*" {
                starP = p
                starT = t
                p += 1
            } else if p < pattern.count, let next = matchOne(at: p, text[t]) {
                p = next
                t += 1
            } else if starP >= 0 {
                p = starP + 1
                starT += 1
                t = starT
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == "*" { p += 1 }
        return p == pattern.count
    }

    /// If the pattern element at `p` matches `c`, the index after that element.
    private func matchOne(at p: Int, _ c: Character) -> Int? {
        switch pattern[p] {
        case "?":
            return p + 1
        case "[":
            var i = p + 1
            var negate = false
            if i < pattern.count, pattern[i] == "!" || pattern[i] == "^" {
                negate = true
                i += 1
            }
            var matched = false
            var first = true
            while i < pattern.count, pattern[i] != "]" || first {
                first = false
                if i + 2 < pattern.count, pattern[i + 1] == "-", pattern[i + 2] != "]" {
                    if pattern[i] <= c && c <= pattern[i + 2] { matched = true }
                    i += 3
                } else {
                    if pattern[i] == c { matched = true }
                    i += 1
                }
            }
            // An unclosed '[' is a literal.
            guard i < pattern.count else { return pattern[p] == c ? p + 1 : nil }
            return matched != negate ? i + 1 : nil
        default:
            return pattern[p] == c ? p + 1 : nil
        }
    }
}
