/// One problem in a spec file, reported as `file:line:column: message`.
public struct SpecProblem: Error, Equatable, Sendable, CustomStringConvertible, Comparable {
    public let file: String
    public let line: Int
    public let column: Int
    public let message: String

    public var description: String { "\(file):\(line):\(column): \(message)" }

    public static func < (a: SpecProblem, b: SpecProblem) -> Bool {
        (a.file, a.line, a.column, a.message) < (b.file, b.line, b.column, b.message)
    }
}

/// Every problem found in one pass over one or more spec files.
public struct SpecProblems: Error, CustomStringConvertible {
    public let problems: [SpecProblem]
    public var description: String { problems.map(\.description).joined(separator: "\n") }
}
