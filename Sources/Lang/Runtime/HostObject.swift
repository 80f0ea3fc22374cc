// Engine objects inside the language: datasets, models, runs, evaluations, traces, plots, tables.

/// An object the host (the engine bindings) puts into the language as a handle.
///
/// Only `typeName` and `plainText` are required. Everything else has a default that says
/// "not supported", which the interpreter turns into a `TypeError` naming the type:
///
/// ```swift
/// final class ModelHandle: HostObject {
///     var typeName: String { "model" }
///     var plainText: String { "model(dim: 128, layers: 4, 1.2M parameters)" }
///     var fieldNames: [String] { ["dim", "layers"] }
///     func field(_ name: String) -> Value? { name == "dim" ? .int(128) : nil }
/// }
/// ```
public protocol HostObject: AnyObject {
    /// The name `type(x)` reports, e.g. `"model"`.
    var typeName: String { get }
    /// The `text/plain` rendering (one line for plots; the REPL prints it).
    var plainText: String { get }
    /// An optional `text/html` rendering (datasets, runs, evaluations, tables).
    var html: String? { get }
    /// An optional `image/svg+xml` rendering (plots).
    var svg: String? { get }
    /// The names `x.name` accepts, for completion and error messages.
    var fieldNames: [String] { get }
    /// `x.name`; nil when there is no such field (the interpreter reports it with `fieldNames`).
    func field(_ name: String) throws -> Value?
    /// `len(x)` and the number of elements `for … in x` and `x[i]` reach; nil when not a sequence.
    var count: Int? { get }
    /// `x[i]` for `0 <= i < count` (negative indices are already resolved).
    func element(at index: Int) throws -> Value
    /// `x[key]` for keys that are not plain numbers (e.g. a range or a string); default: TypeError.
    func index(_ key: Value) throws -> Value
    /// `==` between two host objects; the default is identity.
    func isEqual(to other: any HostObject) -> Bool
}

extension HostObject {
    public var html: String? { nil }
    public var svg: String? { nil }
    public var fieldNames: [String] { [] }
    public func field(_ name: String) throws -> Value? { nil }
    public var count: Int? { nil }
    public func element(at index: Int) throws -> Value {
        throw RuntimeError(.typeError, "a \(typeName) cannot be indexed")
    }
    public func index(_ key: Value) throws -> Value {
        throw RuntimeError(.typeError, "a \(typeName) cannot be indexed by a \(key.typeName)")
    }
    public func isEqual(to other: any HostObject) -> Bool { self === other }

    /// The object's renderings as one bundle.
    public var mimeBundle: MimeBundle { MimeBundle(plain: plainText, html: html, svg: svg) }
}
