// The `table` value: a list of records that share their keys, rendered as text and HTML tables.

import Support

/// A table: rows that share their columns. `t[i]` is a row (a record), `len(t)` counts rows,
/// `for row in t` walks them, and `t.column` is the list of one column's values.
///
/// Builtins return tables for results such as an evaluation's `by_steps` or `predict`:
/// `Table(columns: ["token", "prob"], rows: [[.string("7"), .number(0.91)]])`.
public final class Table: HostObject {
    public let columns: [String]
    public let rows: [[Value]]

    /// A table from its columns and rows; every row must have one value per column.
    public init(columns: [String], rows: [[Value]]) {
        precondition(rows.allSatisfy { $0.count == columns.count }, "every row needs one value per column")
        self.columns = columns
        self.rows = rows
    }

    /// A table from records that share their keys (in the first record's order).
    public convenience init(records: [Record]) throws {
        let columns = records.first?.keys ?? []
        var rows: [[Value]] = []
        for (k, r) in records.enumerated() {
            guard r.count == columns.count, let row = Optional(columns.compactMap({ r[$0] })), row.count == columns.count else {
                throw RuntimeError(.valueError, "row \(k) of the table has keys \(r.keys.joined(separator: ", ")); expected \(columns.joined(separator: ", "))")
            }
            rows.append(row)
        }
        self.init(columns: columns, rows: rows)
    }

    /// A table from a list whose elements are all records with the same keys; nil otherwise.
    convenience init?(sameKeyRecords values: [Value]) {
        guard !values.isEmpty else { return nil }
        var records: [Record] = []
        for v in values {
            guard case .record(let r) = v else { return nil }
            records.append(r)
        }
        guard let first = records.first, !first.keys.isEmpty,
              records.allSatisfy({ $0.keys == first.keys }) else { return nil }
        self.init(columns: first.keys, rows: records.map(\.values))
    }

    /// Row `i` as a record.
    public func row(_ i: Int) -> Record { Record(uniqueKeys: columns, values: rows[i]) }

    /// One column's values.
    public func column(_ name: String) -> [Value]? {
        guard let k = columns.firstIndex(of: name) else { return nil }
        return rows.map { $0[k] }
    }

    // MARK: HostObject

    public var typeName: String { "table" }
    public var fieldNames: [String] { columns }
    public func field(_ name: String) throws -> Value? { column(name).map { .list($0) } }
    public var count: Int? { rows.count }
    public func element(at index: Int) throws -> Value { .record(row(index)) }
    public func isEqual(to other: any HostObject) -> Bool {
        guard let t = other as? Table else { return false }
        return t.columns == columns && t.rows == rows
    }

    /// Rows shown before the rest is summarised.
    static let shownRows = 20

    /// Aligned columns under a header, e.g.
    /// ```
    /// steps  count  accuracy
    ///     1     50      0.98
    /// ```
    public var plainText: String {
        if columns.isEmpty { return "(empty table)" }
        let shown = rows.prefix(Table.shownRows)
        let cells = shown.map { $0.map(\.printText) }
        var widths = columns.map(\.count)
        for row in cells {
            for (k, c) in row.enumerated() { widths[k] = max(widths[k], c.count) }
        }
        func line(_ items: [String], numeric: [Bool]) -> String {
            items.enumerated().map { k, s in
                let pad = String(repeating: " ", count: widths[k] - s.count)
                return numeric[k] ? pad + s : s + pad
            }.joined(separator: "  ").trimmingTrailingSpaces
        }
        let numeric = columns.indices.map { k in shown.allSatisfy { $0[k].numberValue != nil } }
        var lines = [line(columns, numeric: numeric)]
        lines += cells.map { line($0, numeric: numeric) }
        if rows.count > shown.count { lines.append("… \(rows.count) rows in all") }
        return lines.joined(separator: "\n")
    }

    public var html: String? {
        HTML.table(columns: columns, rows: rows.prefix(Table.shownRows * 5).map { $0 },
                   total: rows.count)
    }
}

/// HTML renderings of values.
enum HTML {
    static func cell(_ v: Value) -> String {
        if case .object(let o) = v, let html = o.html { return html }
        return TextFormat.htmlEscaped(v.printText)
    }

    static func table(columns: [String], rows: [[Value]], total: Int) -> String {
        var out = "<table class=\"latent-table\">\n<thead><tr>"
        for c in columns { out += "<th>\(TextFormat.htmlEscaped(c))</th>" }
        out += "</tr></thead>\n<tbody>\n"
        for row in rows {
            out += "<tr>" + row.map { "<td>\(cell($0))</td>" }.joined() + "</tr>\n"
        }
        out += "</tbody>\n</table>"
        if total > rows.count { out += "\n<p>… \(total) rows in all</p>" }
        return out
    }

    /// A record as a two-column table of fields and values.
    static func record(_ r: Record) -> String {
        var out = "<table class=\"latent-record\">\n<tbody>\n"
        for (k, v) in zip(r.keys, r.values) {
            out += "<tr><th>\(TextFormat.htmlEscaped(k))</th><td>\(cell(v))</td></tr>\n"
        }
        return out + "</tbody>\n</table>"
    }
}

extension String {
    var trimmingTrailingSpaces: String {
        var s = self
        while s.hasSuffix(" ") { s.removeLast() }
        return s
    }
}
