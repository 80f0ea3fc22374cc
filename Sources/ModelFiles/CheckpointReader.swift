// Reading a checkpoint's files through one handle on its directory.

import Foundation
import Glibc
import Models

/// An open checkpoint directory. Files are opened relative to it (`openat`), so they all come
/// from the directory as it was when it was opened, even if a save swaps a new one in meanwhile.
final class CheckpointReader {
    private let directory: URL
    private let fd: Int32

    /// - Throws: ``ModelError/invalidCheckpoint(_:)`` when `directory` cannot be opened.
    init(directory: URL) throws {
        self.directory = directory
        fd = open(directory.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else {
            throw ModelError.invalidCheckpoint("cannot open the directory \(directory.path) (\(String(cString: strerror(errno))))")
        }
    }

    deinit { close(fd) }

    /// The size in bytes of the file `name`.
    func size(of name: String) throws -> Int {
        var info = stat()
        guard fstatat(fd, name, &info, 0) == 0 else { throw problem(name, "cannot read") }
        return Int(info.st_size)
    }

    /// The whole file `name`; refused when it is larger than `limit` bytes.
    func read(_ name: String, limit: Int) throws -> Data {
        let file = openat(fd, name, O_RDONLY | O_CLOEXEC)
        guard file >= 0 else { throw problem(name, "cannot read") }
        defer { close(file) }
        var info = stat()
        guard fstat(file, &info) == 0 else { throw problem(name, "cannot read") }
        let size = Int(info.st_size)
        guard size <= limit else {
            throw ModelError.invalidCheckpoint("\(directory.path)/\(name) is \(size) bytes, more than the \(limit) bytes such a file may have")
        }
        var data = Data(count: size)
        var offset = 0
        try data.withUnsafeMutableBytes { (raw: UnsafeMutableRawBufferPointer) in
            while offset < size {
                let n = Glibc.read(file, raw.baseAddress! + offset, min(size - offset, 1 << 30))
                if n < 0, errno == EINTR { continue }
                guard n > 0 else { throw problem(name, n == 0 ? "file shrank while being read" : "cannot read") }
                offset += n
            }
        }
        return data
    }

    private func problem(_ name: String, _ what: String) -> ModelError {
        let reason = errno == ENOENT ? "no such file" : String(cString: strerror(errno))
        return .invalidCheckpoint("\(what) \(directory.path)/\(name) (\(reason))")
    }
}
