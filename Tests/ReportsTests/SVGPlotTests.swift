import Foundation
import Reports
import Testing

/// The plot's canvas: 800 px wide unless a legend line needs more room than the right margin.
@Suite struct SVGPlotTests {
    func plot(_ names: [String], notes: [String] = []) -> String {
        let series = names.map { name -> SVGPlot.Series in
            var s = SVGPlot.Series(name: name, x: [1, 2], mean: [2, 1], low: [2, 1], high: [2, 1])
            s.notes = notes
            return s
        }
        return SVGPlot(title: "t", xLabel: "epochs", yLabel: "loss", logY: false, series: series).svg
    }

    /// The canvas width the SVG declares.
    func width(_ svg: String) throws -> Double {
        let header = try #require(svg.split(separator: "\n").first)
        let match = try #require(header.firstMatch(of: #/width="([0-9.]+)"/#))
        return try #require(Double(match.1))
    }

    @Test func shortLegendsKeepTheStandardWidth() throws {
        #expect(try width(plot(["Adam", "SGD-Nesterov"], notes: ["1 of 3 seeds diverged"])) == 800)
    }

    /// fig4's legends ("beta1=0.9, beta2=0.9999", "Adam-no-bias-correction") were cut off at 800 px.
    @Test func aLongLegendWidensTheCanvasNotThePlot() throws {
        let long = "beta1=0.9, beta2=0.9999"
        let svg = plot(["beta1=0, beta2=0.99", long])
        let w = try width(svg)
        // The legend text starts 46 px right of the plot area (which ends at 800 - 190 = 610 px);
        // at 0.6 em of 13 px per character it must end inside the canvas.
        #expect(w >= 610 + 46 + Double(long.count) * 13 * 0.6)
        #expect(svg.contains("viewBox=\"0 0 \(Int(w)) 500\""))
        #expect(svg.contains("<rect x=\"80.0\" y=\"40.0\" width=\"530.0\""), "the plot area is unchanged")
    }
}
