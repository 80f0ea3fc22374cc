// A host that records every output event, for tests.

import Lang

/// Records output events in order; answers `input` from a queue (or refuses when empty).
final class RecordingHost: ExecutionHost {
    var events: [OutputEvent] = []
    var inputs: [String]
    var prompts: [String] = []

    init(inputs: [String] = []) {
        self.inputs = inputs
    }

    func emit(_ event: OutputEvent) {
        events.append(event)
    }

    struct NoInput: Error {}

    func readInput(prompt: String, password: Bool) throws -> String {
        prompts.append(prompt)
        guard !inputs.isEmpty else { throw NoInput() }
        return inputs.removeFirst()
    }

    /// Everything written to standard output.
    var stdout: String {
        events.compactMap { if case .stream(.stdout, let s) = $0 { return s } else { return nil } }.joined()
    }

    /// Everything written to standard error.
    var stderr: String {
        events.compactMap { if case .stream(.stderr, let s) = $0 { return s } else { return nil } }.joined()
    }
}

extension Session {
    /// Runs code with a fresh recording host; returns the outcome and the host.
    @discardableResult
    func run(_ code: String, inputs: [String] = []) -> (outcome: ExecutionOutcome, host: RecordingHost) {
        let host = RecordingHost(inputs: inputs)
        return (execute(code, host: host), host)
    }
}
