/// A hyperparameter as written in a spec or a trace file: a number, a boolean or a word.
public enum HyperparameterValue: Sendable, Hashable, Codable, CustomStringConvertible {
    case number(Double)
    case bool(Bool)
    case string(String)

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let b = try? container.decode(Bool.self) {
            self = .bool(b)
        } else if let d = try? container.decode(Double.self) {
            self = .number(d)
        } else {
            self = .string(try container.decode(String.self))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .number(let d): try container.encode(d)
        case .bool(let b): try container.encode(b)
        case .string(let s): try container.encode(s)
        }
    }

    /// The value as a number, nil for a boolean or a word.
    public var number: Double? {
        if case .number(let d) = self { return d }
        return nil
    }

    public var description: String {
        switch self {
        case .number(let d): return d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : "\(d)"
        case .bool(let b): return String(b)
        case .string(let s): return s
        }
    }

    var typeName: String {
        switch self {
        case .number: return "a number"
        case .bool: return "a boolean"
        case .string: return "a string"
        }
    }
}
