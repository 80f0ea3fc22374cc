// A recording front end and small helpers for running language code against the bindings.

import Foundation
import Lang
import LangBindings
import Testing

/// Records every output event; can run an action on each one (e.g. request an interrupt).
final class RecordingHost: ExecutionHost {
    var events: [OutputEvent] = []
    var onEmit: ((OutputEvent) -> Void)?

    func emit(_ event: OutputEvent) {
        events.append(event)
        onEmit?(event)
    }

    struct NoInput: Error {}

    func readInput(prompt: String, password: Bool) throws -> String { throw NoInput() }

    var stderr: String {
        events.compactMap { if case .stream(.stderr, let s) = $0 { return s } else { return nil } }.joined()
    }

    /// The ids of `.display` events that carry one, in order.
    var displayIDs: [String] {
        events.compactMap { if case .display(_, let id?) = $0 { return id } else { return nil } }
    }

    /// The bundles of the `.updateDisplay` events for `id`, in order.
    func updates(for id: String) -> [MimeBundle] {
        events.compactMap { if case .updateDisplay(let b, id) = $0 { return b } else { return nil } }
    }
}

/// A session with the engine builtins, as the CLI builds it.
func engineSession() -> Session { Session(builtins: LangBindings.all) }

extension Session {
    /// Runs code with a fresh recording host.
    @discardableResult
    func run(_ code: String, host: RecordingHost = RecordingHost()) -> (outcome: ExecutionOutcome, host: RecordingHost) {
        (execute(code, host: host), host)
    }

    /// Runs code that must succeed; returns the result's text (or "" for no result).
    @discardableResult
    func ok(_ code: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> String {
        let outcome = execute(code, host: RecordingHost())
        #expect(outcome.error == nil, "\(code) failed: \(String(describing: outcome.error))", sourceLocation: sourceLocation)
        return outcome.result?.plain ?? ""
    }

    /// Runs code that must fail with `name`; returns the message.
    @discardableResult
    func fails(_ code: String, _ name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> String {
        let outcome = execute(code, host: RecordingHost())
        #expect(outcome.error?.name == name, "\(code): expected \(name), got \(String(describing: outcome.error))",
                sourceLocation: sourceLocation)
        return outcome.error?.message ?? ""
    }
}

/// A fresh empty temporary directory, removed by the caller.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("latent-bind-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// A tiny data set and model bound as `d` and `m` (fast in debug builds).
func tinyModelSession() -> Session {
    let s = engineSession()
    s.ok("d = arith(n: 16, steps: 1...2, seed: 1)\nm = model(d, dim: 16, layers: 1, heads: 2, seed: 3)")
    return s
}
