import Foundation

/// Number formatting for reports: 4 significant digits in Markdown, full precision in CSV.
public enum Format {
    public static func number(_ x: Double) -> String {
        if x.isNaN { return "NaN" }
        if x.isInfinite { return x > 0 ? "inf" : "-inf" }
        if x == 0 { return "0" }
        let magnitude = abs(x)
        if magnitude >= 1e-3 && magnitude < 1e5 { return String(format: "%.4g", x) }
        return String(format: "%.3e", x)
    }

    /// Shortest round-trip representation (CSV).
    public static func full(_ x: Double) -> String {
        if x.isNaN { return "NaN" }
        if x.isInfinite { return x > 0 ? "inf" : "-inf" }
        return "\(x)"
    }

    /// `mean [low, high]`, or the plain mean without an interval.
    public static func estimate(_ e: Statistics.Estimate) -> String {
        guard let ci = e.interval else { return number(e.mean) }
        return "\(number(e.mean)) [\(number(ci.lowerBound)), \(number(ci.upperBound))]"
    }
}
