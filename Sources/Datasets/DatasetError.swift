/// A problem with a data file: names the file and says what was expected.
public struct DatasetError: Error, Equatable, CustomStringConvertible {
    public let file: String
    public let message: String

    public init(file: String, _ message: String) {
        self.file = file
        self.message = message
    }

    public var description: String { "\(file): \(message)" }
}
