import Foundation

/// Folders for the tests' files, all under one folder of the test process
/// (`$TMPDIR/adambench-tests-PID`), which is removed when the process exits, so that a suite run
/// leaves nothing behind. `ADAMBENCH_KEEP_TEST_FILES=1` keeps it, to look at a failure's files.
public enum TestFolder {
    /// A new, empty folder whose name starts with `prefix`.
    public static func make(_ prefix: String = "test") throws -> URL {
        let url = path(prefix)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A path for a new folder whose name starts with `prefix`, not created.
    public static func path(_ prefix: String) -> URL {
        root.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
    }

    /// The process's folder; the first use registers its removal at exit.
    public static let root: URL = {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("adambench-tests-\(getpid())")
        if ProcessInfo.processInfo.environment["ADAMBENCH_KEEP_TEST_FILES"].map({ $0.isEmpty }) ?? true {
            atexit { TestFolder.removeRoot() }
        }
        return root
    }()

    /// Removes the process's folder, first giving back the write bit that some tests take from
    /// their folders (a read-only archive folder, 0555).
    static func removeRoot() {
        let files = FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String } ?? []
        for file in files { chmod(root.appendingPathComponent(file).path, 0o755) }
        try? FileManager.default.removeItem(at: root)
    }
}
