// A terminal cannot show a picture, so every SVG a command produces is written to a file whose
// path is printed next to the plot's one-line summary.

import Foundation

/// Writes SVGs as `plot-1.svg`, `plot-2.svg`, … into one folder, never overwriting a file.
public final class PlotFiles {
    /// The folder the files go to.
    public let directory: URL
    private var next = 1

    /// - Parameter directory: where to write; by default `$TMPDIR/latent-plots` (or
    ///   `/tmp/latent-plots`), overridden by the environment variable `LATENT_PLOT_DIR`.
    public init(directory: URL? = nil) {
        if let directory {
            self.directory = directory
        } else {
            let environment = ProcessInfo.processInfo.environment
            if let folder = environment["LATENT_PLOT_DIR"], !folder.isEmpty {
                self.directory = URL(fileURLWithPath: folder)
            } else {
                let temporary = environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
                self.directory = URL(fileURLWithPath: temporary).appendingPathComponent("latent-plots")
            }
        }
    }

    /// Writes `svg` to the next free `plot-N.svg` and returns its path.
    /// - Throws: the file system's error when the folder or file cannot be created.
    public func save(_ svg: String) throws -> String {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let data = Data(svg.utf8)
        while true {
            let url = directory.appendingPathComponent("plot-\(next).svg")
            next += 1
            if FileManager.default.fileExists(atPath: url.path) { continue }
            do {
                try data.write(to: url, options: .withoutOverwriting)
                return url.path
            } catch CocoaError.fileWriteFileExists {
                continue  // another process took this name in the meantime
            }
        }
    }
}
