// Random and mutated programs for a bounded time: the interpreter must neither crash nor hang.

import Foundation
import Support
import Testing
@testable import Lang

@Suite struct FuzzTests {
    static let vocabulary = [
        "fn", "return", "if", "else", "for", "in", "while", "break", "continue", "true", "false", "nil",
        "and", "or", "not", "x", "y", "f", "print", "len", "sum", "help", "(", ")", "[", "]", "{", "}",
        ",", ":", ";", ".", "+", "-", "*", "/", "%", "^", "=", "+=", "==", "!=", "<", "<=", ">", ">=",
        "...", "..<", "0", "1", "2.5", "1e-3", "\"s\"", "\"\\u{41}\"", "\n", " ", "#", "\"", "\\", "é", "😀",
    ]

    /// The golden scripts, as seeds for mutation; not the one that builds values of 100 MB on
    /// purpose (errors/limits.lat), whose mutants would spend the time budget allocating.
    static func corpus() -> [String] {
        GoldenScript.all().filter { $0.name != "errors/limits.lat" }.map(\.text)
    }

    static func mutate(_ text: String, _ rng: inout SplitMix64) -> String {
        var scalars = Array(text.unicodeScalars)
        let edits = 1 + Int(rng.next() % 4)
        for _ in 0..<edits where !scalars.isEmpty {
            let a = Int(rng.next() % UInt64(scalars.count))
            let b = min(scalars.count, a + Int(rng.next() % 12))
            switch rng.next() % 4 {
            case 0: scalars.removeSubrange(a..<b)
            case 1: scalars.insert(contentsOf: vocabulary[Int(rng.next() % UInt64(vocabulary.count))].unicodeScalars, at: a)
            case 2: scalars.insert(contentsOf: scalars[a..<b], at: Int(rng.next() % UInt64(scalars.count)))
            default: scalars.swapAt(a, Int(rng.next() % UInt64(scalars.count)))
            }
        }
        return String(String.UnicodeScalarView(scalars))
    }

    static func random(_ rng: inout SplitMix64) -> String {
        (0..<Int(rng.next() % 40)).map { _ in vocabulary[Int(rng.next() % UInt64(vocabulary.count))] }.joined(separator: " ")
    }

    /// Every entry point on `code`; execution is cut off by an interrupt if it runs long.
    static func exercise(_ session: Session, _ code: String, _ rng: inout SplitMix64) {
        _ = session.isComplete(code)
        let count = code.unicodeScalars.count
        let cursor = count == 0 ? 0 : Int(rng.next() % UInt64(count + 1))
        _ = session.complete(code, cursor: cursor)
        _ = session.inspect(code, cursor: cursor, detail: 0)
        let interruption = session.interruption
        let watchdog = DispatchWorkItem { interruption.request() }
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.25, execute: watchdog)
        _ = session.execute(code, host: RecordingHost())
        watchdog.cancel()
    }

    /// Random and mutated programs per run (`LATENT_LANG_FUZZ_COUNT` raises it).
    static let rounds = Int(ProcessInfo.processInfo.environment["LATENT_LANG_FUZZ_COUNT"] ?? "") ?? 400

    @Test func randomAndMutatedInputsNeverCrashOrHang() {
        let corpus = Self.corpus()
        let ran = Shared(NSMutableArray())
        // A 1 MB stack: the guards must hold on small threads too.
        onThread(stackSize: 1 << 20) {
            var rng = SplitMix64(seed: 2026)
            let session = Session()
            session.maxCallDepth = 200
            // A fixed count, not a time window: on a loaded machine a window ran too few inputs.
            var n = 0
            while n < Self.rounds {
                let code = rng.next() % 3 == 0 || corpus.isEmpty
                    ? Self.random(&rng)
                    : Self.mutate(corpus[Int(rng.next() % UInt64(corpus.count))], &rng)
                Self.exercise(session, code, &rng)
                n += 1
            }
            // Pathological shapes, each once.
            for code in [String(repeating: "(", count: 5000), String(repeating: "-", count: 5000) + "1",
                         String(repeating: "[", count: 3000) + String(repeating: "]", count: 3000),
                         String(repeating: "not ", count: 4000) + "true", "x = " + String(repeating: "1 + ", count: 20000) + "1",
                         String(repeating: "if true { ", count: 500), "\u{0}\u{1}\u{7F}", "\"" + String(repeating: "\\", count: 999)] {
                Self.exercise(session, code, &rng)
            }
            ran.value.add(n)
        }
        #expect((ran.value.firstObject as? Int ?? 0) == Self.rounds)
    }
}
