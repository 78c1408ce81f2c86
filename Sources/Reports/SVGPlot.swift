import Foundation

/// A line chart as a standalone SVG (no external tools): one series per optimizer with its mean line
/// and a shaded band (min to max over seeds), linear or log10 y axis, axis labels, ticks and legend.
/// Sized 800 x 500 so that it reads at 800 px; wider (the plot area unchanged) when a legend line
/// would not fit in the right margin.
public struct SVGPlot: Sendable {
    public struct Series: Sendable {
        public let name: String
        public let x: [Double]
        public let mean: [Double]
        public let low: [Double]
        public let high: [Double]
        /// Where runs of this series stopped diverging (x, last finite y): drawn as crosses.
        public var stops: [(x: Double, y: Double)] = []
        /// A setting that was not selected (e.g. every setting had a diverged seed): a dashed line.
        public var dashed = false
        /// Further legend lines in small type (e.g. "1 of 3 seeds diverged").
        public var notes: [String] = []
        /// Single runs drawn thin beside the mean (e.g. a diverged seed up to where it stopped).
        public var traces: [[(x: Double, y: Double)]] = []

        public init(name: String, x: [Double], mean: [Double], low: [Double], high: [Double]) {
            self.name = name
            self.x = x
            self.mean = mean
            self.low = low
            self.high = high
        }
    }

    /// A value read off the paper's figure for the series named `series`: a hollow diamond in its colour.
    public struct Reference: Sendable {
        public let series: String
        public let x: Double
        public let y: Double

        public init(series: String, x: Double, y: Double) {
            self.series = series
            self.x = x
            self.y = y
        }
    }

    public let title: String
    public let xLabel: String
    public let yLabel: String
    public let logY: Bool
    public let series: [Series]
    /// Draw a marker at every point (few points, e.g. a learning-rate sweep).
    public var markers = false
    /// The paper's values, labelled "paper" in the legend.
    public var references: [Reference] = []

    public init(title: String, xLabel: String, yLabel: String, logY: Bool, series: [Series]) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.logY = logY
        self.series = series
    }

    static let palette = [
        "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22",
    ]
    static let width = 800.0, height = 500.0
    static let left = 80.0, right = 190.0, top = 40.0, bottom = 60.0

    /// The canvas width: `width`, plus what the legend's longest line needs beyond the right margin.
    /// Text is measured at 0.6 em per character (Helvetica's widest digits and lower case are 0.56 em;
    /// an SVG carries no font metrics, and a fallback such as DejaVu Sans is wider), 13 px for names
    /// and 11 px for notes, after the 46 px key and before a 4 px edge.
    var canvasWidth: Double {
        let names: [String] = series.map(\.name) + ["paper (read off)", "seed diverged"]
        let notes: [String] = series.flatMap(\.notes)
        let nameWidth: Double = names.map { Double($0.count) * 13 * 0.6 }.max() ?? 0
        let noteWidth: Double = notes.map { Double($0.count) * 11 * 0.6 }.max() ?? 0
        let overflow: Double = 46 + max(nameWidth, noteWidth) + 4 - Self.right
        return Self.width + max(0, overflow.rounded(.up))
    }

    public var svg: String {
        let traced = series.flatMap { $0.traces.flatMap { $0.map(\.y) } + $0.stops.map(\.y) }
        let values = (series.flatMap { $0.low + $0.high + $0.mean } + traced + references.map(\.y)).filter {
            $0.isFinite && (!logY || $0 > 0)
        }
        let xs = (series.flatMap(\.x) + references.map(\.x)).filter(\.isFinite)
        guard let yMin = values.min(), let yMax = values.max(), let xMin = xs.min(), let xMax = xs.max() else {
            return
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"800\" height=\"500\"><text x=\"20\" y=\"40\">\(escape(title)): no data</text></svg>\n"
        }
        func ty(_ y: Double) -> Double { logY ? log10(y) : y }
        var (lo, hi) = (ty(yMin), ty(yMax))
        if logY {
            lo = floor(lo)
            hi = ceil(hi)
        } else {
            let pad = max((hi - lo) * 0.05, abs(hi) * 0.05, 1e-12)
            lo -= pad
            hi += pad
        }
        if hi <= lo { hi = lo + 1 }
        let x1 = xMax > xMin ? xMax : xMin + 1
        let plotW = Self.width - Self.left - Self.right, plotH = Self.height - Self.top - Self.bottom
        func px(_ x: Double) -> Double { Self.left + (x - xMin) / (x1 - xMin) * plotW }
        func py(_ y: Double) -> Double { Self.top + (1 - (ty(y) - lo) / (hi - lo)) * plotH }
        func f(_ v: Double) -> String { String(format: "%.1f", v) }

        let w = String(Int(canvasWidth))
        var out =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(w)\" height=\"500\" viewBox=\"0 0 \(w) 500\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"13\">\n"
        out += "<rect width=\"\(w)\" height=\"500\" fill=\"white\"/>\n"
        out +=
            "<text x=\"\(f(Self.left + plotW / 2))\" y=\"24\" text-anchor=\"middle\" font-size=\"16\">\(escape(title))</text>\n"
        // Axes, ticks and grid.
        out +=
            "<rect x=\"\(f(Self.left))\" y=\"\(f(Self.top))\" width=\"\(f(plotW))\" height=\"\(f(plotH))\" fill=\"none\" stroke=\"#333\"/>\n"
        for tick in yTicks(lo, hi) {
            let y = Self.top + (1 - (tick - lo) / (hi - lo)) * plotH
            out +=
                "<line x1=\"\(f(Self.left))\" y1=\"\(f(y))\" x2=\"\(f(Self.left + plotW))\" y2=\"\(f(y))\" stroke=\"#ddd\"/>\n"
            let label =
                logY ? (tick == tick.rounded() ? "1e\(Int(tick))" : Format.number(pow(10, tick))) : Format.number(tick)
            out += "<text x=\"\(f(Self.left - 6))\" y=\"\(f(y + 4))\" text-anchor=\"end\">\(label)</text>\n"
        }
        for tick in niceTicks(xMin, x1, count: 8) {
            let x = px(tick)
            out +=
                "<line x1=\"\(f(x))\" y1=\"\(f(Self.top + plotH))\" x2=\"\(f(x))\" y2=\"\(f(Self.top + plotH + 5))\" stroke=\"#333\"/>\n"
            out +=
                "<text x=\"\(f(x))\" y=\"\(f(Self.top + plotH + 20))\" text-anchor=\"middle\">\(Format.number(tick))</text>\n"
        }
        out +=
            "<text x=\"\(f(Self.left + plotW / 2))\" y=\"\(f(Self.height - 15))\" text-anchor=\"middle\">\(escape(xLabel))</text>\n"
        out +=
            "<text transform=\"translate(20 \(f(Self.top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\">\(escape(yLabel))\(logY ? " (log scale)" : "")</text>\n"
        // Series: band, then line; the legend's rows grow with the notes.
        var ly = Self.top + 10
        for (i, s) in series.enumerated() {
            let color = Self.palette[i % Self.palette.count]
            let points = s.x.indices.filter { s.mean[$0].isFinite && (!logY || s.mean[$0] > 0) }
            let band = s.x.indices.filter { s.low[$0].isFinite && s.high[$0].isFinite && (!logY || s.low[$0] > 0) }
            if band.count > 1, band.contains(where: { s.high[$0] > s.low[$0] }) {
                let upper = band.map { "\(f(px(s.x[$0]))),\(f(py(s.high[$0])))" }
                let lower = band.reversed().map { "\(f(px(s.x[$0]))),\(f(py(s.low[$0])))" }
                out +=
                    "<polygon points=\"\((upper + lower).joined(separator: " "))\" fill=\"\(color)\" fill-opacity=\"0.15\" stroke=\"none\"/>\n"
            }
            if markers {
                for i in points {
                    out += "<circle cx=\"\(f(px(s.x[i])))\" cy=\"\(f(py(s.mean[i])))\" r=\"4\" fill=\"\(color)\"/>\n"
                }
            }
            let dash = s.dashed ? " stroke-dasharray=\"6 4\"" : ""
            if !points.isEmpty {
                out +=
                    "<polyline points=\"\(points.map { "\(f(px(s.x[$0]))),\(f(py(s.mean[$0])))" }.joined(separator: " "))\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"\(dash)/>\n"
            }
            for trace in s.traces {
                let shown = trace.filter { $0.y.isFinite && (!logY || $0.y > 0) }
                guard shown.count > 1 else { continue }
                out +=
                    "<polyline points=\"\(shown.map { "\(f(px($0.x))),\(f(py($0.y)))" }.joined(separator: " "))\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"1\" stroke-opacity=\"0.7\"/>\n"
            }
            for stop in s.stops where stop.y.isFinite && (!logY || stop.y > 0) {
                let (x, y) = (px(stop.x), py(stop.y))
                out +=
                    "<path d=\"M\(f(x - 5)),\(f(y - 5)) L\(f(x + 5)),\(f(y + 5)) M\(f(x - 5)),\(f(y + 5)) L\(f(x + 5)),\(f(y - 5))\" stroke=\"\(color)\" stroke-width=\"2.5\"/>\n"
            }
            for r in references where r.series == s.name && r.y.isFinite && (!logY || r.y > 0) {
                out += diamond(px(r.x), py(r.y), color: color)
            }
            out +=
                "<line x1=\"\(f(Self.width - Self.right + 15))\" y1=\"\(f(ly))\" x2=\"\(f(Self.width - Self.right + 40))\" y2=\"\(f(ly))\" stroke=\"\(color)\" stroke-width=\"3\"\(dash)/>\n"
            out += "<text x=\"\(f(Self.width - Self.right + 46))\" y=\"\(f(ly + 4))\">\(escape(s.name))</text>\n"
            for note in s.notes {
                ly += 14
                out +=
                    "<text x=\"\(f(Self.width - Self.right + 46))\" y=\"\(f(ly + 4))\" font-size=\"11\" fill=\"#555\">\(escape(note))</text>\n"
            }
            ly += 22
        }
        if !references.isEmpty {
            out += diamond(Self.width - Self.right + 27, ly, color: "#333")
            out += "<text x=\"\(f(Self.width - Self.right + 46))\" y=\"\(f(ly + 4))\">paper (read off)</text>\n"
            ly += 22
        }
        if series.contains(where: { !$0.stops.isEmpty }) {
            let x = Self.width - Self.right + 27
            out +=
                "<path d=\"M\(f(x - 5)),\(f(ly - 5)) L\(f(x + 5)),\(f(ly + 5)) M\(f(x - 5)),\(f(ly + 5)) L\(f(x + 5)),\(f(ly - 5))\" stroke=\"#333\" stroke-width=\"2.5\"/>\n"
            out += "<text x=\"\(f(Self.width - Self.right + 46))\" y=\"\(f(ly + 4))\">seed diverged</text>\n"
        }
        out += "</svg>\n"
        return out
    }

    func diamond(_ x: Double, _ y: Double, color: String) -> String {
        func f(_ v: Double) -> String { String(format: "%.1f", v) }
        return
            "<path d=\"M\(f(x)),\(f(y - 6)) L\(f(x + 6)),\(f(y)) L\(f(x)),\(f(y + 6)) L\(f(x - 6)),\(f(y)) Z\" fill=\"white\" stroke=\"\(color)\" stroke-width=\"2\"/>\n"
    }

    func yTicks(_ lo: Double, _ hi: Double) -> [Double] {
        if logY { return stride(from: lo, through: hi, by: max(1, ((hi - lo) / 6).rounded(.up))).map { $0 } }
        return niceTicks(lo, hi, count: 6)
    }

    func niceTicks(_ lo: Double, _ hi: Double, count: Int) -> [Double] {
        let span = hi - lo
        guard span > 0, span.isFinite else { return [lo] }
        let raw = span / Double(count)
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? raw
        var ticks: [Double] = []
        var t = (lo / step).rounded(.up) * step
        while t <= hi + step * 1e-9 {
            ticks.append(abs(t) < step * 1e-9 ? 0 : t)
            t += step
        }
        return ticks
    }

    func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(
            of: ">", with: "&gt;")
    }
}
