// Replay protection: the signatures of recently accepted messages, bounded.

import Synchronization

/// Remembers the last `capacity` message signatures a kernel accepted, across every socket and
/// connection: a signed message sent again (replayed by whoever captured it) has a signature
/// already seen and is refused. jupyter_client keeps the same kind of history (2¹⁶ digests).
/// Thread-safe: the shell, control and stdin threads share one history.
public final class SignatureHistory: Sendable {
    /// How many signatures are kept by default (as jupyter_client's `digest_history_size`).
    public static let defaultCapacity = 1 << 16

    private struct State {
        var seen: Set<[UInt8]> = []
        /// The signatures in the order they arrived, as a ring of `capacity` slots.
        var order: [[UInt8]] = []
        var next = 0
    }

    private let capacity: Int
    private let state = Mutex(State())

    public init(capacity: Int = SignatureHistory.defaultCapacity) {
        self.capacity = max(capacity, 1)
    }

    /// Records `signature` (hex, compared without regard to case); false when it was already
    /// among the remembered ones. The oldest signature is forgotten once `capacity` are kept.
    public func admit(_ signature: [UInt8]) -> Bool {
        let key = signature.map { ($0 >= 0x41 && $0 <= 0x5A) ? $0 | 0x20 : $0 }
        return state.withLock { state in
            guard !state.seen.contains(key) else { return false }
            if state.order.count < capacity {
                state.order.append(key)
            } else {
                state.seen.remove(state.order[state.next])
                state.order[state.next] = key
                state.next = (state.next + 1) % capacity
            }
            state.seen.insert(key)
            return true
        }
    }
}
