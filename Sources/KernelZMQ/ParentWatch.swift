// The kernel ends when the process that started it (the Jupyter server, jupyter_client) dies,
// as ipykernel's parent poller does: it would otherwise keep its ports and memory forever.

import Glibc

/// Which process the kernel belongs to, and whether it is still there.
struct ParentWatch: Sendable {
    /// The parent being watched; nil when there is none worth watching (started by init).
    let parent: pid_t?

    /// `JPY_PARENT_PID` (jupyter_client sets it to the launching process) when it is the actual
    /// parent, else the parent at start; none when that is already init (pid 1).
    init(environment: [String: String]) {
        let current = getppid()
        if let named = environment["JPY_PARENT_PID"].flatMap({ pid_t($0) }), named == current, named > 1 {
            parent = named
        } else {
            parent = current > 1 ? current : nil
        }
    }

    /// True once the watched parent has exited: the kernel was re-parented (to init or a
    /// subreaper), so its parent id is no longer the one it started with.
    var parentIsGone: Bool {
        guard let parent else { return false }
        return getppid() != parent
    }
}
