/// A table rendered as a GitHub Markdown table (display cells) and as RFC 4180 CSV (full-precision
/// cells, snake_case headers).
public struct Table: Sendable {
    public let name: String
    public let headers: [String]
    /// (display, csv) per cell.
    public var rows: [[(String, String)]] = []

    public init(name: String, headers: [String]) {
        self.name = name
        self.headers = headers
    }

    public mutating func add(_ row: [(String, String)]) {
        precondition(row.count == headers.count, "table \(name): row width")
        rows.append(row)
    }

    public var markdown: String {
        func escape(_ s: String) -> String {
            s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
        }
        var out = "| " + headers.map(escape).joined(separator: " | ") + " |\n"
        out += "|" + headers.map { _ in "---" }.joined(separator: "|") + "|\n"
        for row in rows { out += "| " + row.map { escape($0.0) }.joined(separator: " | ") + " |\n" }
        return out
    }

    public var csv: String {
        func field(_ s: String) -> String {
            s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        let header = headers.map { Self.snakeCase($0) }.map(field).joined(separator: ",")
        return ([header] + rows.map { $0.map { field($0.1) }.joined(separator: ",") }).joined(separator: "\r\n")
            + "\r\n"
    }

    static func snakeCase(_ s: String) -> String {
        var out = ""
        for c in s.lowercased() {
            if c.isLetter || c.isNumber { out.append(c) } else if !out.hasSuffix("_") { out.append("_") }
        }
        while out.hasSuffix("_") { out.removeLast() }
        return out
    }
}
