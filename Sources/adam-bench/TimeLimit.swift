import ArgumentParser
import Foundation

/// A duration given on the command line: `5400`, `90s`, `45m`, `2h`, `1h30m`, `1:30:00`, `90:00`.
struct TimeLimit: ExpressibleByArgument, Sendable, Equatable {
    /// The duration in seconds (> 0).
    let seconds: Double

    init(seconds: Double) { self.seconds = seconds }

    init?(argument: String) {
        let text = argument.trimmingCharacters(in: .whitespaces).lowercased()
        if text.contains(":") {
            // [[H:]M:]S, each part a non-negative number.
            let parts = text.split(separator: ":", omittingEmptySubsequences: false).map { Double($0) }
            guard (2...3).contains(parts.count), parts.allSatisfy({ $0 != nil && $0! >= 0 }) else { return nil }
            seconds = parts.reduce(0) { $0 * 60 + $1! }
        } else {
            // A sequence of number+unit (h, m, s); a bare number is seconds.
            var total = 0.0, number = ""
            for c in text {
                if c.isNumber || c == "." {
                    number.append(c)
                    continue
                }
                let unit: Double
                switch c {
                case "h": unit = 3600
                case "m": unit = 60
                case "s": unit = 1
                default: return nil
                }
                guard let value = Double(number) else { return nil }
                total += value * unit
                number = ""
            }
            if !number.isEmpty {
                guard let value = Double(number), total == 0 else { return nil }
                total = value
            }
            seconds = total
        }
        guard seconds > 0, seconds.isFinite else { return nil }
    }

}
