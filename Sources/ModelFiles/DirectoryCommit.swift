// Writing a directory as a whole: beside the target, synced, then swapped into place.

import Foundation
import Glibc
import Models

/// A failed step of writing a directory: which path, which step, and the system's reason.
public struct CheckpointWriteError: Error, CustomStringConvertible {
    public var path: String
    public var reason: String

    public var description: String { "cannot write \(path): \(reason)" }
}

/// Replaces the directory `target` with a set of files so that, whatever happens and whenever
/// the process dies, `target` holds either everything it held before or every new file —
/// never a mix.
///
/// The steps (each a point where a test can kill the process, see ``killHookVariable``):
/// 1. `write`: a sibling `.NAME.saving-PID-RANDOM` is made and every file is written into it
///    and fsynced (a kill point after each, named by the file), then the directory itself.
/// 2. `swap`: with no `target` yet, the sibling is renamed to it. Otherwise the two are
///    exchanged in one step (`renameat2(RENAME_EXCHANGE)`); where the file system cannot do
///    that, `target` is first renamed aside to `.NAME.old-PID-RANDOM` (`aside`), then the
///    sibling renamed to `target`. The parent directory is fsynced.
/// 3. `cleanup`: entries of the old directory other than the replaced files (a user's notes,
///    plots) are moved into the new one, then the old directory is removed.
///
/// A save that throws removes what it wrote. A save killed midway leaves a `.saving` or
/// `.old` sibling; the next save of the same target settles it (``settleLeftovers()``), and a
/// load meanwhile reads the old directory from its `.old` name when `target` is missing.
struct DirectoryCommit {
    let target: URL
    /// The names a save writes; anything else in the directory is kept across saves.
    let files: Set<String>

    /// The environment variable naming the step at which a save kills its own process with
    /// SIGKILL (a file's name once it is written, `write`, `aside`, `swap`, `cleanup`): tests
    /// use it to check that every crash leaves a loadable checkpoint.
    static let killHookVariable = "LATENT_TEST_SAVE_KILL_AT"

    private var parent: URL { target.deletingLastPathComponent() }
    private var name: String { target.lastPathComponent }
    private var savingPrefix: String { ".\(name).saving-" }
    private var asidePrefix: String { ".\(name).old-" }

    /// Writes `files` (name, contents) as the whole new content of `target`.
    /// - Parameter shouldStop: asked before each file and before the swap; true abandons the
    ///   save, removing what it wrote, and throws ``ModelError/interrupted``.
    func write(_ files: [(name: String, contents: Data)], shouldStop: () -> Bool) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: target.path, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw CheckpointWriteError(path: target.path, reason: "it is a file, and a checkpoint is a directory")
        }
        do {
            try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        } catch {
            throw CheckpointWriteError(path: parent.path, reason: "cannot create the parent directory (\(error.localizedDescription))")
        }
        try settleLeftovers()
        let staging = parent.appendingPathComponent(savingPrefix + uniqueSuffix())
        guard mkdir(staging.path, 0o755) == 0 else { throw failure(staging, "cannot create a directory") }
        do {
            for file in files {
                if shouldStop() { throw ModelError.interrupted }
                try Self.writeSynced(file.contents, to: staging.appendingPathComponent(file.name))
                Self.killIfAsked(at: file.name)
            }
            try Self.sync(staging)
            Self.killIfAsked(at: "write")
            if shouldStop() { throw ModelError.interrupted }
        } catch {
            Self.remove(staging)
            throw error
        }
        try swapIn(staging)
    }

    /// The directory a reader should open: `target`, or when a save died between moving the
    /// old directory aside and moving the new one in, the old one under its aside name.
    func readableDirectory() -> URL {
        if FileManager.default.fileExists(atPath: target.path) { return target }
        return leftovers(prefix: asidePrefix, includingLive: true).first ?? target
    }

    // MARK: - Steps

    private func swapIn(_ staging: URL) throws {
        guard FileManager.default.fileExists(atPath: target.path) else {
            guard rename(staging.path, target.path) == 0 else {
                let error = failure(target, "cannot rename the new directory into place")
                Self.remove(staging)
                throw error
            }
            try Self.sync(parent)
            return
        }
        let old: URL
        if Self.exchange(staging.path, target.path) == 0 {
            old = staging
        } else if errno == EINVAL || errno == ENOSYS || errno == ENOTSUP {
            // No atomic exchange here: the old directory goes aside first.
            old = parent.appendingPathComponent(asidePrefix + uniqueSuffix())
            guard rename(target.path, old.path) == 0 else {
                let error = failure(target, "cannot move the old directory aside")
                Self.remove(staging)
                throw error
            }
            Self.killIfAsked(at: "aside")
            guard rename(staging.path, target.path) == 0 else {
                let error = failure(target, "cannot rename the new directory into place")
                _ = rename(old.path, target.path)
                Self.remove(staging)
                throw error
            }
        } else {
            let error = failure(target, "cannot exchange the new directory with the old one")
            Self.remove(staging)
            throw error
        }
        try Self.sync(parent)
        Self.killIfAsked(at: "swap")
        keepOtherEntries(of: old)
        Self.killIfAsked(at: "cleanup")
        Self.remove(old)
    }

    /// Moves what an old directory held besides the checkpoint's files into `target`.
    private func keepOtherEntries(of old: URL) {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: old.path)) ?? []
        for entry in entries where !files.contains(entry) {
            let destination = target.appendingPathComponent(entry)
            if !FileManager.default.fileExists(atPath: destination.path) {
                _ = rename(old.appendingPathComponent(entry).path, destination.path)
            }
        }
    }

    /// Settles what earlier saves of this target left when they were killed. An `.old`
    /// directory is the previous checkpoint: renamed back when the target is missing. Any
    /// other leftover (a `.saving` directory that never became the checkpoint, or that holds
    /// the old one after an exchange) gives the target the entries it lacks besides the
    /// checkpoint's files, then is removed. Leftovers of a save still running (its process
    /// alive) are left alone.
    func settleLeftovers() throws {
        for old in leftovers(prefix: asidePrefix) where !FileManager.default.fileExists(atPath: target.path) {
            guard rename(old.path, target.path) == 0 else { throw failure(old, "cannot restore the previous checkpoint") }
        }
        for leftover in leftovers(prefix: asidePrefix) + leftovers(prefix: savingPrefix) {
            keepOtherEntries(of: leftover)
            Self.remove(leftover)
        }
    }

    /// Siblings named `prefix` + `PID-RANDOM`: those whose process is gone, or all of them.
    private func leftovers(prefix: String, includingLive: Bool = false) -> [URL] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: parent.path)) ?? []
        return entries.sorted().compactMap { entry in
            guard entry.hasPrefix(prefix) else { return nil }
            let suffix = entry.dropFirst(prefix.count)
            guard let pid = suffix.split(separator: "-").first.flatMap({ pid_t($0) }) else { return nil }
            if !includingLive, pid != getpid(), kill(pid, 0) == 0 || errno == EPERM { return nil }
            return parent.appendingPathComponent(entry)
        }
    }

    // MARK: - Helpers

    private typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32

    /// glibc's `renameat2` (2.28+; the Glibc module does not import it), looked up once.
    nonisolated(unsafe) private static let renameat2: RenameAt2? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "renameat2") else { return nil }
        return unsafeBitCast(symbol, to: RenameAt2.self)
    }()

    /// Swaps two paths in one step (`renameat2(…, RENAME_EXCHANGE)`); -1 with errno ENOSYS
    /// where the C library lacks it.
    private static func exchange(_ a: String, _ b: String) -> Int32 {
        guard let renameat2 else {
            errno = ENOSYS
            return -1
        }
        let renameExchange: UInt32 = 1 << 1
        return renameat2(AT_FDCWD, a, AT_FDCWD, b, renameExchange)
    }

    private func uniqueSuffix() -> String {
        "\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    }

    private func failure(_ url: URL, _ what: String) -> CheckpointWriteError {
        CheckpointWriteError(path: url.path, reason: "\(what) (\(String(cString: strerror(errno))))")
    }

    /// Writes `data` to a new file and fsyncs it.
    static func writeSynced(_ data: Data, to url: URL) throws {
        let fd = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw CheckpointWriteError(path: url.path, reason: "cannot create (\(String(cString: strerror(errno))))") }
        defer { close(fd) }
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + offset, min(raw.count - offset, 1 << 30))
                if n < 0 {
                    if errno == EINTR { continue }
                    throw CheckpointWriteError(path: url.path, reason: "cannot write (\(String(cString: strerror(errno))))")
                }
                offset += n
            }
        }
        guard fsync(fd) == 0 else {
            throw CheckpointWriteError(path: url.path, reason: "cannot sync to disk (\(String(cString: strerror(errno))))")
        }
    }

    /// fsyncs a directory, so the names in it survive a power loss.
    static func sync(_ directory: URL) throws {
        let fd = open(directory.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else {
            throw CheckpointWriteError(path: directory.path, reason: "cannot open to sync (\(String(cString: strerror(errno))))")
        }
        defer { close(fd) }
        guard fsync(fd) == 0 else {
            throw CheckpointWriteError(path: directory.path, reason: "cannot sync to disk (\(String(cString: strerror(errno))))")
        }
    }

    static func remove(_ url: URL) {
        try? FileManager.default.removeItem(at: url)
    }

    /// Kills this process with SIGKILL when ``killHookVariable`` names `step`.
    static func killIfAsked(at step: String) {
        if ProcessInfo.processInfo.environment[killHookVariable] == step {
            kill(getpid(), SIGKILL)
        }
    }
}
