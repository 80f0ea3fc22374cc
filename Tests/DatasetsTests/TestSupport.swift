import Foundation
@testable import Datasets

/// Helpers shared by the Datasets tests.
enum TestSupport {
    /// `/work/shared/data/icot` located from this file: Tests/DatasetsTests → package root →
    /// its parent → `shared` (symlinks resolved, so a scratch package that links the test folder works).
    static let icotFolder: URL = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/data/icot")

    /// Whether the shared data folder is present (tests that need it are skipped otherwise).
    static var hasSharedData: Bool {
        FileManager.default.fileExists(atPath: icotFolder.appendingPathComponent("gsm8k/valid.txt").path)
    }

    static func icot(_ relative: String) -> String { icotFolder.appendingPathComponent(relative).path }

    /// A fresh temporary folder for one test.
    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("latent-datasets-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Writes `text` to `name` in a fresh temporary folder and returns the path.
    static func write(_ text: String, named name: String) throws -> String {
        let url = try temporaryFolder().appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    /// Parses `<<a op b=r>>` with whole numbers.
    static func parseEquation(_ step: String) -> (a: Int, op: Character, b: Int, r: Int)? {
        guard step.hasPrefix("<<"), step.hasSuffix(">>") else { return nil }
        let body = step.dropFirst(2).dropLast(2)
        guard let equals = body.firstIndex(of: "="),
              let opIndex = body[body.index(after: body.startIndex)..<equals].firstIndex(where: { "+-*/".contains($0) }),
              let a = Int(body[..<opIndex]), let b = Int(body[body.index(after: opIndex)..<equals]),
              let r = Int(body[body.index(after: equals)...]) else { return nil }
        return (a, body[opIndex], b, r)
    }

    /// The whole numbers written in `text`, in order.
    static func numbers(in text: String) -> [Int] {
        text.split(whereSeparator: { !$0.isASCII || !$0.isNumber }).compactMap { Int($0) }
    }
}
