/// The values a hyperparameter may take, and how to say so in an error message.
enum FieldDomain: Sendable {
    /// A real number in an interval; `nil` bounds are open-ended.
    case real(lower: Double?, lowerInclusive: Bool, upper: Double?, upperInclusive: Bool)
    case bool
    case choice([String])
    /// A whole number at least `minimum` (counts and sizes).
    case integer(minimum: Int)

    static let nonNegative = FieldDomain.real(lower: 0, lowerInclusive: true, upper: nil, upperInclusive: false)
    static let positive = FieldDomain.real(lower: 0, lowerInclusive: false, upper: nil, upperInclusive: false)
    /// [0, 1): decay rates and momentum coefficients.
    static let unitHalfOpen = FieldDomain.real(lower: 0, lowerInclusive: true, upper: 1, upperInclusive: false)
    /// (-inf, 0]: Adafactor's decay exponent.
    static let nonPositive = FieldDomain.real(lower: nil, lowerInclusive: false, upper: 0, upperInclusive: true)
    /// [1, inf): Adafactor's clip threshold.
    static let atLeastOne = FieldDomain.real(lower: 1, lowerInclusive: true, upper: nil, upperInclusive: false)
    /// (0, 1]: Adam's lambda.
    static let unitLeftOpen = FieldDomain.real(lower: 0, lowerInclusive: false, upper: 1, upperInclusive: true)

    /// nil when `value` is acceptable, else what was expected.
    func problem(with value: HyperparameterValue) -> String? {
        switch (self, value) {
        case (.real(let lo, let loIn, let hi, let hiIn), .number(let x)):
            let ok =
                x.isFinite
                && (lo.map { loIn ? x >= $0 : x > $0 } ?? true)
                && (hi.map { hiIn ? x <= $0 : x < $0 } ?? true)
            return ok ? nil : "expected a number in \(intervalText), got \(value)"
        case (.real, _): return "expected a number in \(intervalText), got \(value.typeName) '\(value)'"
        case (.integer(let minimum), .number(let x)):
            return x.isFinite && x == x.rounded() && x >= Double(minimum) && x < 1e15
                ? nil
                : "expected a whole number >= \(minimum), got \(value)"
        case (.integer(let minimum), _):
            return "expected a whole number >= \(minimum), got \(value.typeName) '\(value)'"
        case (.bool, .bool): return nil
        case (.bool, _): return "expected true or false, got \(value.typeName) '\(value)'"
        case (.choice(let options), .string(let s)):
            return options.contains(s)
                ? nil
                : "expected one of \(options.joined(separator: ", ")), got '\(s)'"
                    + Suggestion.hint(for: s, among: options)
        case (.choice(let options), _):
            return "expected one of \(options.joined(separator: ", ")), got \(value.typeName) '\(value)'"
        }
    }

    private var intervalText: String {
        guard case .real(let lo, let loIn, let hi, let hiIn) = self else { return "" }
        let left = lo.map { (loIn ? "[" : "(") + "\($0)" } ?? "(-inf"
        let right = hi.map { "\($0)" + (hiIn ? "]" : ")") } ?? "inf)"
        return "\(left), \(right)"
    }
}
