import Foundation

extension Comparison {
    /// One line: how many runs compared and how they changed, and whether this is a regression.
    public var summary: String {
        let c = counts
        let parts: [(Change, String)] = [
            (.identical, "identical"), (.withinTolerance, "within tolerance"), (.moved, "moved"),
            (.statusChanged, "status changed"), (.missing, "missing"), (.new, "new"),
        ]
        let counted = parts.compactMap { change, name in c[change].map { "\($0) \(name)" } }
        let claims = experiments.flatMap(\.claims).filter(\.changed).count
        let numerics = runs.filter(\.numericsChanged).count
        return "\(regression ? "REGRESSION" : "OK"): \(runs.count) runs (\(counted.joined(separator: ", ")))"
            + (numerics > 0 ? "; \(numerics) paired across a numerics change" : "")
            + (claims > 0 ? "; \(claims) claim verdict\(claims == 1 ? "" : "s") changed" : "")
    }

    /// Markdown short enough for a pull-request comment: the summary line, then only what changed.
    public var markdown: String {
        var out = "**adam-bench compare** `\(baseline)` -> `\(candidate)` (tolerance \(Format.number(tolerance)))\n\n"
        out += summary + "\n"
        let changed = runs.filter { $0.change != .identical && $0.change != .withinTolerance }
        if !changed.isEmpty {
            out += "\n| run | change | where | baseline | candidate |\n|---|---|---|---|---|\n"
            for r in changed {
                let numerics =
                    r.numericsChanged
                    ? " (numerics changed\(r.kernelSets.map { ": kernel set \($0.joined(separator: " -> "))" } ?? ""))"
                    : ""
                let place =
                    r.largest.map { "`\($0.metric)` epoch \($0.epoch), relative \(Format.number($0.relative))" } ?? ""
                let values: (String, String) =
                    r.change == .statusChanged || r.change == .missing || r.change == .new
                    ? (r.baselineStatus ?? "-", r.candidateStatus ?? "-")
                    : (
                        r.largest.map { Self.value($0.baseline) } ?? "",
                        r.largest.map { Self.value($0.candidate) } ?? ""
                    )
                out +=
                    "| \(r.experiment)/\(r.scale) \(r.label) \(r.setting) seed \(r.seed) | \(r.change.rawValue)\(numerics)"
                    + "\(r.regression ? " **regression**" : "") | \(place) | \(values.0) | \(values.1) |\n"
            }
        }
        for e in experiments {
            var lines: [String] = []
            for s in e.selections where s.changed {
                lines.append("- selection of \(s.label): `\(s.baseline ?? "none")` -> `\(s.candidate ?? "none")`")
            }
            for c in e.claims where c.changed {
                lines.append("- claim `\(c.id)`: \(c.baseline ?? "absent") -> \(c.candidate ?? "absent")")
            }
            if let slowdown = e.slowdown, e.tooSlow || abs(log(slowdown)) > log(1.25) {
                lines.append(
                    "- seconds per epoch: \(Format.number(e.baselineSecondsPerEpoch ?? .nan)) -> "
                        + "\(Format.number(e.candidateSecondsPerEpoch ?? .nan)) (\(Format.number(slowdown))x)")
            }
            if !lines.isEmpty {
                out +=
                    "\n**\(e.experiment)/\(e.scale)**\(e.regression ? " (regression)" : "")\n"
                    + lines.joined(separator: "\n") + "\n"
            }
        }
        return out
    }

    static func value(_ x: Double?) -> String { x.map { String($0) } ?? "absent" }

    /// The complete comparison as JSON (docs/COMPARE.md): non-finite numbers as "inf", "-inf", "nan".
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }

    /// JUnit XML: one test suite per experiment and scale, one test case per run group (optimizer
    /// label and setting, over its seeds) and per claim; a regression is a `<failure>`.
    public var junit: String {
        var suites = ""
        var total = 0, failures = 0
        for e in experiments {
            var cases: [(String, String?)] = []
            let groups = Dictionary(grouping: runs.filter { $0.experiment == e.experiment && $0.scale == e.scale }) {
                "\($0.label) \($0.setting)"
            }
            for name in groups.keys.sorted() {
                let bad = groups[name]!.filter(\.regression)
                let message = bad.map { r in
                    "seed \(r.seed): \(r.change.rawValue)"
                        + (r.largest.map {
                            ", \($0.metric) epoch \($0.epoch) \(Self.value($0.baseline)) -> \(Self.value($0.candidate))"
                        } ?? "")
                }.joined(separator: "; ")
                cases.append(("run group \(name)", bad.isEmpty ? nil : message))
            }
            for c in e.claims {
                cases.append(
                    (
                        "claim \(c.id)",
                        c.changed && c.baseline != nil && c.candidate != nil
                            ? "verdict \(c.baseline!) -> \(c.candidate!)" : nil
                    ))
            }
            if let slowdown = e.slowdown, e.tooSlow {
                cases.append(("seconds per epoch", "slowdown \(Format.number(slowdown))x"))
            }
            let failed = cases.filter { $0.1 != nil }.count
            total += cases.count
            failures += failed
            let suite = Self.xml("\(e.experiment)/\(e.scale)")
            suites += "  <testsuite name=\"\(suite)\" tests=\"\(cases.count)\" failures=\"\(failed)\">\n"
            for (name, failure) in cases {
                suites += "    <testcase classname=\"\(suite)\" name=\"\(Self.xml(name))\""
                if let failure {
                    suites += ">\n      <failure message=\"\(Self.xml(failure))\"/>\n    </testcase>\n"
                } else {
                    suites += "/>\n"
                }
            }
            suites += "  </testsuite>\n"
        }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<testsuites name=\"adam-bench compare\" tests=\"\(total)\" failures=\"\(failures)\">\n" + suites
            + "</testsuites>\n"
    }

    /// Text escaped for an XML attribute.
    static func xml(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
