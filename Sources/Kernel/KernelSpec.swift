// The kernelspec directory Jupyter discovers: kernel.json plus logos.

import Foundation
import Support

/// Writes `<prefix>/share/jupyter/kernels/<name>/` with `kernel.json` and the three logos
/// (the same files as `kernelspec/latent/` in the repository, embedded so an installed
/// binary needs nothing else).
public struct KernelSpec: Sendable {
    /// The kernel's directory name (what `jupyter kernelspec list` shows).
    public var name: String
    public var displayName: String
    /// Absolute path of the `latent` binary Jupyter will launch.
    public var executable: String

    public init(name: String = "latent", displayName: String = "latent", executable: String) {
        self.name = name
        self.displayName = displayName
        self.executable = executable
    }

    /// `kernel.json`: argv with the `{connection_file}` placeholder, interrupts by message.
    public var kernelJSON: JSONValue {
        [
            "argv": [.string(executable), "kernel", "--connection-file", "{connection_file}"],
            "display_name": .string(displayName),
            "language": "latent",
            "interrupt_mode": "message",
            "kernel_protocol_version": .string(KernelInfo.protocolVersion),
            "metadata": ["debugger": false],
        ]
    }

    /// Each file of the spec directory and its bytes.
    public var files: [(name: String, bytes: [UInt8])] {
        [
            ("kernel.json", Self.pretty(kernelJSON)),
            ("logo-32x32.png", Array(Data(base64Encoded: Self.logo32) ?? Data())),
            ("logo-64x64.png", Array(Data(base64Encoded: Self.logo64) ?? Data())),
            ("logo-svg.svg", Array(Self.logoSVG.utf8)),
        ]
    }

    /// The spec directory under a data prefix: `<prefix>/share/jupyter/kernels/<name>`.
    public func directory(prefix: String) -> String {
        (prefix as NSString).appendingPathComponent("share/jupyter/kernels/\(name)")
    }

    /// Writes the files into `directory` (created, replaced if present). Returns the path.
    @discardableResult
    public func install(into directory: String) throws(KernelError) -> String {
        guard !name.isEmpty, name.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-._".unicodeScalars.contains($0)) }) else {
            throw .kernelSpec("kernel name '\(name)' may hold only ASCII letters, digits, '-', '.' and '_'")
        }
        let manager = FileManager.default
        do {
            try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
            for file in files {
                let path = (directory as NSString).appendingPathComponent(file.name)
                try Data(file.bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
            }
        } catch {
            throw .kernelSpec("cannot write the kernelspec to '\(directory)': \(error.localizedDescription)")
        }
        return directory
    }

    private static func pretty(_ value: JSONValue) -> [UInt8] {
        // kernel.json is read by people too: one key per line.
        guard case .object(let object) = value else { return value.serialized() }
        let lines = object.keys.sorted().map { "  \(JSONValue.string($0).text): \(object[$0]!.text)" }
        return Array(("{\n" + lines.joined(separator: ",\n") + "\n}\n").utf8)
    }

    static let logo32 = "iVBORw0KGgoAAAANSUhEUgAAACAAAAAgCAYAAABzenr0AAABZklEQVR42mNgGGxATtq7AIjPA/F/KmOQmQX4LBagkcXYHCKAzQH0sBzuCGzB/p/OuGCgfI8ZCgNgORiPOmDUATR3gJWhy/+eYgMwBrGJdoCWRtR/M7MsMI0sbmSU9t/dswFMI4tb2xT+D4+ZBqZhYgWx5v9/nRFFwSAxgg4AWewb2AnHID5I3A1ocX75VjgG8UHiIIsnzn0IxyA+yLfolsMwckhgdYCXbyuKA0B8kHhW4XoUB4D4IPGuqTdQHADig4IclwNAcoPbAQMeBYQSoRutE+GgyIYjuyR0cJj3X1+vhOqWgcwEmU3QAUHBJ/4np30E0yZG9RRbDDID2UyiokBbM+u/p9dmsKb4xOdgNsggJYVQghaC1IDUgvSA9ILMALFBZpKcBkCGWZgDywP/vXDDQDTIJ9gwshqQHpBefI4mORGCfAHyHSgusWGQHDafEuOAAW+UDmyzfMA7JoOiazbgndOBAgBh0ME7RYb9TgAAAABJRU5ErkJggg=="
    static let logo64 = "iVBORw0KGgoAAAANSUhEUgAAAEAAAABACAYAAACqaXHeAAACrUlEQVR42u1bv0scQRT2nwgEhOQIggQ1kiCcBAuNWiThCCZRgmLcELAIQo4ghASCtUUKwSqS2EYsQ7qEw87CRus0VjbCYmvz3G/xHcMysz/uNrp3+w18sOy8mXnf997M7MJMTw8LS2K51fu0EqAeoBHADyAFhX/pI3yt5EV8u8CEk7DdshBBQ6/g0c6SFV4r5KXL4JWZfDoRLue838UC+LFrQocveKkXxrjoS0lQsQlQL5EAdZsAjRIJ0LAJ4JdIAN8mgJQJFIACUAAKQAEoAAWgABSgUwV4eH9Kvq0NyeHubTk/uBECz3iHuq4WoL5YldO9m03iUaAONrkKMDT4WiYmP0ltZj0EnvHOZV8dXZEFb0vef/wdAs9457J/NPVZVr/8kY3vxyHwjHc28i7iUcSJkEmAsbEPTeJRoC5qP/Pya5N4FKiL2i+v7DSJR4E6M+3jIm/LBNd0SC0AouwirzAzAVF2kVeYmYAou8grNBMwv9OSV6BNWwKYae8CbNTeTHsXYKP2Ztq7ABvYmgteWqBNWwIkkVeofRJ5hdonkVfANit5BQXgFOAiyG2QH0L8FObPEH+HKQAFoAAUILMA/X1eiE4jmOR3KgHQwdvlsxCPn/zqCCHgI3xVv10+ZxbAFGL43mrhiMMnk3guAtgUVcy9Ogr+AzblTmX22khjbPgAX2yBansKpBECqD37K6PV9SsRA2NgLIxp8yXtVG15F1DV5xf/WR1ANKanf8rIg7VcBEEf6At92iINwJes2ZjLNqjzbunNidUxAHXPX+yHBMbHf4SOop0NqIMNbNEmqd921qPcvwMG7r6LjVIe0OzCWIX/EEJkEE1EKSmarqxBW/TxP3adazsmh3nqmgJXuKP4PCjJo7I8LM3j8rwwwSszvDTFa3O8OMmrsyzlLhdiqQD4IfCdkwAAAABJRU5ErkJggg=="
    static let logoSVG = """
<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64">
  <title>latent</title>
  <rect x="2" y="2" width="60" height="60" rx="12" fill="#1e1b4b"/>
  <path d="M9 44 Q32 56 55 44" fill="none" stroke="#6366f1" stroke-width="2.5" stroke-linecap="round"/>
  <circle cx="13" cy="30" r="5" fill="#a5b4fc" fill-opacity="0.35"/>
  <circle cx="25" cy="30" r="5" fill="#a5b4fc" fill-opacity="0.6"/>
  <circle cx="37" cy="30" r="5" fill="#a5b4fc" fill-opacity="0.85"/>
  <circle cx="50" cy="30" r="7" fill="#facc15"/>
</svg>

"""
}
