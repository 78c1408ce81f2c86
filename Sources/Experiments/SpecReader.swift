import Optimizers
import Yams

/// Reads a YAML node tree, collecting every problem with its position instead of stopping at the
/// first. Each accessor returns nil (and records why) when a value is missing or malformed.
final class SpecReader {
    let file: String
    private(set) var problems: [SpecProblem] = []

    init(file: String) { self.file = file }

    func problem(_ node: Node?, _ message: String) {
        let mark = node?.mark
        problems.append(SpecProblem(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1, message: message))
    }

    /// A mapping's entries by key, after checking that every key is known (unknown ones are
    /// reported with a did-you-mean) and that every required key is present.
    func mapping(_ node: Node?, _ path: String, allowed: [String], required: [String] = []) -> [String: Node]? {
        guard let node else { return nil }
        guard case .mapping(let mapping) = node else {
            problem(node, "\(path): expected a mapping with fields \(allowed.joined(separator: ", "))")
            return nil
        }
        var out: [String: Node] = [:]
        for (key, value) in mapping {
            guard let name = key.scalar?.string else {
                problem(key, "\(path): field names must be strings")
                continue
            }
            let full = path.isEmpty ? name : "\(path).\(name)"
            if !allowed.contains(name) {
                problem(
                    key,
                    "\(full): unknown field; expected one of \(allowed.joined(separator: ", "))"
                        + Suggestion.hint(for: name, among: allowed))
                continue
            }
            if out[name] != nil { problem(key, "\(full): duplicate field") }
            out[name] = value
        }
        for name in required where out[name] == nil {
            problem(node, "\(path.isEmpty ? name : "\(path).\(name)"): required field is missing")
        }
        return out
    }

    func string(_ node: Node?, _ path: String) -> String? {
        guard let node else { return nil }
        guard case .scalar(let s) = node, !s.string.isEmpty,
            s.style != .plain || (Double(s.string) == nil && Bool.fromYAML(s.string) == nil)
        else {
            problem(node, "\(path): expected a string, got \(describe(node))")
            return nil
        }
        return s.string
    }

    func word(_ node: Node?, _ path: String, among options: [String]) -> String? {
        guard let value = string(node, path) else { return nil }
        guard options.contains(value) else {
            problem(
                node,
                "\(path): '\(value)' is not one of \(options.joined(separator: ", "))"
                    + Suggestion.hint(for: value, among: options))
            return nil
        }
        return value
    }

    /// The case of `options` whose raw value the scalar at `node` is; a problem naming the choices
    /// (and the nearest) otherwise.
    func word<Word: RawRepresentable<String>>(_ node: Node?, _ path: String, among options: [Word]) -> Word? {
        word(node, path, among: options.map(\.rawValue)).flatMap(Word.init(rawValue:))
    }

    func number(_ node: Node?, _ path: String, range: ClosedRange<Double>? = nil, above lower: Double? = nil) -> Double?
    {
        guard let node else { return nil }
        guard case .scalar(let s) = node, s.style == .plain,
            let value = Double(s.string.replacingOccurrences(of: "_", with: "")), value.isFinite
        else {
            problem(node, "\(path): expected a number, got \(describe(node))")
            return nil
        }
        if let range, !range.contains(value) {
            problem(
                node,
                "\(path): \(s.string) is out of range; expected a number in [\(range.lowerBound), \(range.upperBound)]")
            return nil
        }
        if let lower, !(value > lower) {
            problem(node, "\(path): \(s.string) is out of range; expected a number above \(lower)")
            return nil
        }
        return value
    }

    func integer(_ node: Node?, _ path: String, minimum: Int = 0) -> Int? {
        guard let node else { return nil }
        guard case .scalar(let s) = node, s.style == .plain,
            let value = Int(s.string.replacingOccurrences(of: "_", with: ""))
        else {
            problem(node, "\(path): expected an integer, got \(describe(node))")
            return nil
        }
        guard value >= minimum else {
            problem(node, "\(path): \(value) is out of range; expected an integer >= \(minimum)")
            return nil
        }
        return value
    }

    func bool(_ node: Node?, _ path: String) -> Bool? {
        guard let node else { return nil }
        guard case .scalar(let s) = node, s.style == .plain, let value = Bool.fromYAML(s.string) else {
            problem(node, "\(path): expected true or false, got \(describe(node))")
            return nil
        }
        return value
    }

    /// A sequence's items; `nonEmpty` reports an empty list.
    func list(_ node: Node?, _ path: String, nonEmpty: Bool = true) -> [Node]? {
        guard let node else { return nil }
        guard case .sequence(let sequence) = node else {
            problem(node, "\(path): expected a list, got \(describe(node))")
            return nil
        }
        let items = Array(sequence)
        if nonEmpty && items.isEmpty { problem(node, "\(path): the list is empty") }
        return items
    }

    func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let s):
            if s.style == .plain, Double(s.string) != nil { return "the number \(s.string)" }
            if s.style == .plain, Bool.fromYAML(s.string) != nil { return "the boolean \(s.string)" }
            return s.string.isEmpty ? "an empty value" : "the string '\(s.string)'"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }
}

extension Bool {
    /// YAML 1.2 core booleans.
    static func fromYAML(_ text: String) -> Bool? {
        switch text {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default: return nil
        }
    }
}
