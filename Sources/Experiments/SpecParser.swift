import Foundation
import Optimizers
import Vocabulary
import Yams

/// YAML text -> `ExperimentSpec`, validating every field and collecting every problem in one pass.
public enum SpecParser {
    static let topFields = [
        "name", "title", "paper", "data", "model", "training", "optimizers", "selection", "tuning", "scales", "claims",
        "notes",
    ]

    /// Reads and parses a spec file.
    public static func load(_ path: String) throws -> ExperimentSpec {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw SpecProblems(problems: [
                SpecProblem(
                    file: path, line: 1, column: 1,
                    message: "cannot read the spec file (\((error as NSError).localizedDescription))")
            ])
        }
        return try parse(text, file: path)
    }

    public static func parse(_ text: String, file: String) throws -> ExperimentSpec {
        let reader = SpecReader(file: file)
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch let error as YamlError {
            throw SpecProblems(problems: [yamlProblem(error, file: file)])
        }
        guard let root,
            let top = reader.mapping(
                root, "", allowed: topFields, required: ["name", "data", "model", "training", "optimizers"])
        else {
            if root == nil {
                reader.problem(
                    nil, "the spec is empty; expected a mapping with fields \(topFields.joined(separator: ", "))")
            }
            throw SpecProblems(problems: reader.problems)
        }
        let name = reader.string(top["name"], "name")
        if let name, name.range(of: "^[a-z0-9][a-z0-9._-]*$", options: .regularExpression) == nil {
            reader.problem(top["name"], "name: '\(name)' must be lower-case letters, digits, '.', '_' or '-'")
        }
        let title = top["title"].flatMap { reader.string($0, "title") } ?? name ?? ""
        var section = "", figure = ""
        var paperValues: [String: [PaperValue]] = [:]
        var paperValuesNode: Node?
        if let paper = reader.mapping(top["paper"], "paper", allowed: ["section", "figure", "values"]) {
            section = reader.string(paper["section"], "paper.section") ?? ""
            figure = reader.string(paper["figure"], "paper.figure") ?? ""
            paperValuesNode = paper["values"]
        }
        let data = parseData(reader, top["data"])
        let model = parseModel(reader, top["model"])
        if let data, let model, !model.compatibleDatasets.contains(data.dataset) {
            reader.problem(
                top["data"].flatMap { node in reader.mapping(node, "data", allowed: dataFields)?["dataset"] }
                    ?? top["data"],
                "data.dataset: \(model.kind.rawValue) trains on \(model.compatibleDatasets.map(\.rawValue).joined(separator: " or ")), not \(data.dataset.rawValue)"
            )
        }
        let training = parseTraining(reader, top["training"])
        let optimizers = parseOptimizers(reader, top["optimizers"])
        let labels = optimizers.map(\.label)
        let selection = parseSelection(reader, top["selection"])
        let tuning = top["tuning"].flatMap { parseTuning(reader, $0, "tuning") }
        let scales = parseScales(reader, top["scales"], labels: labels)
        let axisNames = Set(optimizers.flatMap { $0.grid.map(\.name) })
        for (name, block) in [("tuning", tuning)]
            + scales.sorted(by: { $0.key < $1.key }).map({
                ("scales.\($0.key).tuning", $0.value.tuning)
            })
        {
            for axis in block?.extend ?? [] where !axisNames.contains(axis) {
                reader.problem(
                    top["tuning"],
                    "\(name).extend: no optimizer has a hyperparameter '\(axis)'"
                        + Suggestion.hint(for: axis, among: axisNames.sorted()))
            }
        }
        if let node = paperValuesNode { paperValues = parsePaperValues(reader, node, labels: labels) }
        let claims = parseClaims(
            reader, top["claims"], labels: labels, axes: axisNames, defaultMetric: selection.metric)
        var notes: [String] = []
        if let items = reader.list(top["notes"], "notes", nonEmpty: false) {
            notes = items.enumerated().compactMap { reader.string($0.element, "notes[\($0.offset)]") }
        }
        guard reader.problems.isEmpty, let name, let data, let model, let training else {
            throw SpecProblems(problems: reader.problems.sorted())
        }
        return ExperimentSpec(
            name: name, title: title, section: section, figure: figure, data: data, model: model, training: training,
            optimizers: optimizers, selection: selection, tuning: tuning, scales: scales, claims: claims,
            notes: notes, paperValues: paperValues, sourceText: text, sourcePath: file)
    }

    static func yamlProblem(_ error: YamlError, file: String) -> SpecProblem {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            return SpecProblem(file: file, line: mark.line, column: mark.column, message: "not valid YAML: \(problem)")
        default:
            return SpecProblem(file: file, line: 1, column: 1, message: "not valid YAML: \(error)")
        }
    }

    static let dataFields = ["dataset", "zca-epsilon", "vocabulary"]

    static func parseData(_ r: SpecReader, _ node: Node?) -> DataSpec? {
        guard let m = r.mapping(node, "data", allowed: dataFields, required: ["dataset"]) else { return nil }
        let names = DatasetName.allCases.map(\.rawValue)
        let dataset = r.word(m["dataset"], "data.dataset", among: names).flatMap(DatasetName.init(rawValue:))
        let zca = m["zca-epsilon"].flatMap { r.number($0, "data.zca-epsilon", above: 0) }
        let vocabulary = m["vocabulary"].flatMap { r.integer($0, "data.vocabulary", minimum: 1) } ?? 10_000
        guard let dataset else { return nil }
        if zca != nil, dataset == .imdb {
            r.problem(m["zca-epsilon"], "data.zca-epsilon: whitening applies to image datasets, not imdb")
        }
        return DataSpec(dataset: dataset, zcaEpsilon: zca, vocabulary: vocabulary)
    }

    static func parseModel(_ r: SpecReader, _ node: Node?) -> ModelSpec? {
        guard let node else { return nil }
        let kinds = ModelSpec.Kind.allCases.map(\.rawValue)
        // The model's name decides which fields are allowed.
        var kind: ModelSpec.Kind?
        if case .mapping(let mapping) = node {
            kind = r.word(mapping["name"], "model.name", among: kinds).flatMap(ModelSpec.Kind.init(rawValue:))
            if mapping["name"] == nil { r.problem(node, "model.name: required field is missing") }
        } else {
            r.problem(node, "model: expected a mapping with a name (\(kinds.joined(separator: ", "))) and its fields")
        }
        guard let kind, let m = r.mapping(node, "model", allowed: ModelSpec.fields(kind)) else { return nil }
        var spec = ModelSpec.defaults(kind)
        let dropout = 0.0...0.95
        if let n = m["l2"] { spec.l2 = r.number(n, "model.l2", range: 0...1e3) ?? 0 }
        if let n = m["initialization"] {
            let options = Initialization.allCases.filter { $0 != .zero }.map(\.rawValue)
            if let w = r.word(n, "model.initialization", among: options) {
                spec.initialization = Initialization(rawValue: w)!
            }
        }
        if let n = m["input-dropout"] { spec.inputDropout = r.number(n, "model.input-dropout", range: dropout) ?? 0 }
        if let n = m["hidden-dropout"] { spec.hiddenDropout = r.number(n, "model.hidden-dropout", range: dropout) ?? 0 }
        if let n = m["fully-connected-dropout"] {
            spec.hiddenDropout = r.number(n, "model.fully-connected-dropout", range: dropout) ?? 0
        }
        if let n = m["hidden"] { spec.hidden = sizes(r, n, "model.hidden") ?? spec.hidden }
        if let n = m["channels"] { spec.channels = sizes(r, n, "model.channels") ?? spec.channels }
        if let n = m["fully-connected"] {
            spec.fullyConnected = r.integer(n, "model.fully-connected", minimum: 1) ?? spec.fullyConnected
        }
        if let n = m["latent"] { spec.latent = r.integer(n, "model.latent", minimum: 1) ?? spec.latent }
        if kind == .vae, spec.hidden.count != 1 {
            r.problem(m["hidden"], "model.hidden: the VAE has exactly one hidden layer on each side, e.g. [500]")
        }
        if kind == .cnn, spec.channels.count != 3 {
            r.problem(m["channels"], "model.channels: the CNN has three convolution stages, e.g. [64, 64, 128]")
        }
        return spec
    }

    static func sizes(_ r: SpecReader, _ node: Node, _ path: String) -> [Int]? {
        guard let items = r.list(node, path) else { return nil }
        let values = items.enumerated().map { r.integer($0.element, "\(path)[\($0.offset)]", minimum: 1) }
        return values.contains(nil) ? nil : values.map { $0! }
    }

    static func parseTraining(_ r: SpecReader, _ node: Node?) -> TrainingSpec? {
        let fields = [
            "epochs", "batch-size", "seeds", "log-every", "divergence-threshold", "training-subset", "test-subset",
        ]
        guard let m = r.mapping(node, "training", allowed: fields, required: ["epochs", "batch-size", "seeds"]) else {
            return nil
        }
        let epochs = r.integer(m["epochs"], "training.epochs", minimum: 1)
        let batch = r.integer(m["batch-size"], "training.batch-size", minimum: 1)
        let seeds = parseSeeds(r, m["seeds"], "training.seeds")
        let logEvery = m["log-every"].flatMap { r.integer($0, "training.log-every", minimum: 0) } ?? 0
        let threshold =
            m["divergence-threshold"].flatMap { r.number($0, "training.divergence-threshold", above: 0) } ?? 1e4
        let training = m["training-subset"].flatMap { r.integer($0, "training.training-subset", minimum: 1) }
        let test = m["test-subset"].flatMap { r.integer($0, "training.test-subset", minimum: 1) }
        guard let epochs, let batch, let seeds else { return nil }
        return TrainingSpec(
            epochs: epochs, batchSize: batch, seeds: seeds, logEvery: logEvery, divergenceThreshold: threshold,
            trainingSubset: training, testSubset: test)
    }

    static func parseSeeds(_ r: SpecReader, _ node: Node?, _ path: String) -> [UInt64]? {
        guard let items = r.list(node, path) else { return nil }
        var seeds: [UInt64] = []
        for (i, item) in items.enumerated() {
            guard let s = r.integer(item, "\(path)[\(i)]", minimum: 0) else { continue }
            if seeds.contains(UInt64(s)) { r.problem(item, "\(path)[\(i)]: duplicate seed \(s)") }
            seeds.append(UInt64(s))
        }
        return seeds.count == items.count && !seeds.isEmpty ? seeds : nil
    }

    static func hyperparameter(_ r: SpecReader, _ node: Node, _ path: String) -> HyperparameterValue? {
        guard case .scalar(let s) = node else {
            r.problem(node, "\(path): expected a number, boolean or word, got \(r.describe(node))")
            return nil
        }
        if s.style == .plain, let d = Double(s.string.replacingOccurrences(of: "_", with: "")) { return .number(d) }
        if s.style == .plain, let b = Bool.fromYAML(s.string) { return .bool(b) }
        return .string(s.string)
    }

    /// A hyperparameter mapping whose values may be lists (grid axes).
    static func parseAxes(_ r: SpecReader, _ node: Node?, _ path: String) -> [OptimizerEntry.GridAxis]? {
        guard let node else { return [] }
        guard case .mapping(let mapping) = node else {
            r.problem(node, "\(path): expected a mapping of hyperparameters")
            return nil
        }
        var axes: [OptimizerEntry.GridAxis] = []
        for (key, value) in mapping {
            guard let name = key.scalar?.string else { continue }
            if axes.contains(where: { $0.name == name }) { r.problem(key, "\(path).\(name): duplicate hyperparameter") }
            var values: [HyperparameterValue] = []
            if case .sequence(let items) = value {
                if items.isEmpty { r.problem(value, "\(path).\(name): empty grid; give at least one value") }
                for (i, item) in items.enumerated() {
                    if let v = hyperparameter(r, item, "\(path).\(name)[\(i)]") { values.append(v) }
                }
                if Set(values).count != values.count { r.problem(value, "\(path).\(name): the grid repeats a value") }
            } else if let v = hyperparameter(r, value, "\(path).\(name)") {
                values = [v]
            }
            axes.append(.init(name: name, values: values))
        }
        return axes
    }

    static func parseOptimizers(_ r: SpecReader, _ node: Node?) -> [OptimizerEntry] {
        guard let items = r.list(node, "optimizers") else { return [] }
        var entries: [OptimizerEntry] = []
        for (i, item) in items.enumerated() {
            let path = "optimizers[\(i)]"
            guard
                let m = r.mapping(
                    item, path, allowed: ["name", "label", "preset", "hyperparameters"], required: ["name"])
            else { continue }
            let kinds = OptimizerKind.allCases.map(\.rawValue)
            let kind = r.word(m["name"], "\(path).name", among: kinds).flatMap(OptimizerKind.init(rawValue:))
            let label = m["label"].flatMap { r.string($0, "\(path).label") } ?? kind?.rawValue
            var preset: Preset?
            if let p = m["preset"] {
                preset = r.word(p, "\(path).preset", among: Preset.allCases.map(\.rawValue)).flatMap(
                    Preset.init(rawValue:))
            }
            guard let kind, let label, let axes = parseAxes(r, m["hyperparameters"], "\(path).hyperparameters") else {
                continue
            }
            if entries.contains(where: { $0.label == label }) {
                r.problem(
                    m["label"] ?? m["name"],
                    "\(path): duplicate optimizer label '\(label)'; give each entry a distinct label")
            }
            let entry = OptimizerEntry(label: label, optimizer: kind, preset: preset, grid: axes)
            validateSettings(r, entry, node: m["hyperparameters"] ?? item, path: "\(path).hyperparameters")
            entries.append(entry)
        }
        return entries
    }

    /// Resolves every grid point through the optimizer catalogue, reporting what it rejects.
    static func validateSettings(_ r: SpecReader, _ entry: OptimizerEntry, node: Node, path: String) {
        var reported = Set<String>()
        for setting in entry.settings() {
            do {
                _ = try OptimizerConfiguration(
                    name: entry.optimizer.rawValue, hyperparameters: setting, preset: entry.preset?.rawValue)
            } catch let e as OptimizerConfiguration.Errors {
                for error in e.errors where !reported.contains(error.description) {
                    reported.insert(error.description)
                    var target = node
                    if let field = error.field, case .mapping(let mapping) = node,
                        let pair = mapping.first(where: { $0.key.scalar?.string == field })
                    {
                        target = pair.key
                    }
                    r.problem(target, "\(path)\(error.field.map { ".\($0)" } ?? ""): \(error.message)")
                }
            } catch {
                // Not a catalogue error: still a problem of this entry, never silently dropped.
                if reported.insert("\(error)").inserted { r.problem(node, "\(path): \(error)") }
            }
        }
    }

    static func parseSelection(_ r: SpecReader, _ node: Node?) -> SelectionRule {
        var rule = SelectionRule(metric: .trainLoss, lastFraction: 0.1)
        guard let m = r.mapping(node, "selection", allowed: ["metric", "last-fraction"]) else { return rule }
        if let n = m["metric"], let w = r.word(n, "selection.metric", among: MetricName.comparable) { rule.metric = w }
        if let n = m["last-fraction"], let f = r.number(n, "selection.last-fraction", range: 0...1) {
            rule.lastFraction = f
        }
        return rule
    }

    /// `paper.values`: optimizer label -> [[epoch, value], ...], read off the paper's figure.
    static func parsePaperValues(_ r: SpecReader, _ node: Node, labels: [String]) -> [String: [PaperValue]] {
        guard case .mapping(let mapping) = node else {
            r.problem(node, "paper.values: expected a mapping of optimizer labels to [[epoch, value], ...]")
            return [:]
        }
        var values: [String: [PaperValue]] = [:]
        for (labelNode, pointsNode) in mapping {
            guard let label = labelNode.scalar?.string else { continue }
            let path = "paper.values.\(label)"
            guard labels.contains(label) else {
                r.problem(
                    labelNode, "\(path): no optimizer labelled '\(label)'" + Suggestion.hint(for: label, among: labels))
                continue
            }
            guard let items = r.list(pointsNode, path) else { continue }
            values[label] = items.enumerated().compactMap { i, item in
                let pair = r.list(item, "\(path)[\(i)]")?.enumerated().compactMap {
                    r.number($0.element, "\(path)[\(i)][\($0.offset)]")
                }
                guard let pair, pair.count == 2, pair[0] >= 0 else {
                    if pair != nil { r.problem(item, "\(path)[\(i)]: expected [epoch, value] with epoch >= 0") }
                    return nil
                }
                return PaperValue(epoch: pair[0], value: pair[1])
            }
        }
        return values
    }

    static let tuningFields = ["seeds", "confirm-seeds", "max-extensions", "extend"]

    /// A `tuning:` block (the spec's or a scale's): every field optional.
    static func parseTuning(_ r: SpecReader, _ node: Node, _ path: String) -> TuningProtocol? {
        guard let m = r.mapping(node, path, allowed: tuningFields) else { return nil }
        var block = TuningProtocol()
        block.seeds = m["seeds"].flatMap { parseSeeds(r, $0, "\(path).seeds") }
        if let n = m["confirm-seeds"] {
            if case .sequence(let items) = n, items.isEmpty {
                block.confirmSeeds = []
            } else {
                block.confirmSeeds = parseSeeds(r, n, "\(path).confirm-seeds")
            }
        }
        block.maxExtensions = m["max-extensions"].flatMap { r.integer($0, "\(path).max-extensions", minimum: 0) }
        if let n = m["extend"], let items = r.list(n, "\(path).extend", nonEmpty: false) {
            block.extend = items.enumerated().compactMap { r.string($0.element, "\(path).extend[\($0.offset)]") }
        }
        return block
    }

    static func parseScales(_ r: SpecReader, _ node: Node?, labels: [String]) -> [String: ScaleProfile] {
        var scales: [String: ScaleProfile] = [:]
        guard let node else { return scales }
        guard case .mapping(let mapping) = node else {
            r.problem(node, "scales: expected a mapping of scale names to overrides")
            return scales
        }
        for (key, value) in mapping {
            guard let name = key.scalar?.string else { continue }
            let path = "scales.\(name)"
            guard
                let m = r.mapping(
                    value, path,
                    allowed: [
                        "epochs", "training-subset", "test-subset", "seeds", "grids", "optimizers", "tuning",
                    ])
            else { continue }
            var profile = ScaleProfile()
            profile.epochs = m["epochs"].flatMap { r.integer($0, "\(path).epochs", minimum: 1) }
            profile.trainingSubset = m["training-subset"].flatMap {
                r.integer($0, "\(path).training-subset", minimum: 1)
            }
            profile.testSubset = m["test-subset"].flatMap { r.integer($0, "\(path).test-subset", minimum: 1) }
            profile.seeds = m["seeds"].flatMap { parseSeeds(r, $0, "\(path).seeds") }
            profile.tuning = m["tuning"].flatMap { parseTuning(r, $0, "\(path).tuning") }
            if let n = m["optimizers"], let items = r.list(n, "\(path).optimizers") {
                profile.optimizers = items.enumerated().compactMap { i, item in
                    guard let label = r.string(item, "\(path).optimizers[\(i)]") else { return nil }
                    if !labels.contains(label) {
                        r.problem(
                            item,
                            "\(path).optimizers[\(i)]: no optimizer labelled '\(label)'"
                                + Suggestion.hint(for: label, among: labels))
                    }
                    return label
                }
            }
            if let n = m["grids"] {
                if case .mapping(let grids) = n {
                    for (labelNode, axesNode) in grids {
                        guard let label = labelNode.scalar?.string else { continue }
                        if !labels.contains(label) {
                            r.problem(
                                labelNode,
                                "\(path).grids.\(label): no optimizer labelled '\(label)'"
                                    + Suggestion.hint(for: label, among: labels))
                            continue
                        }
                        if let axes = parseAxes(r, axesNode, "\(path).grids.\(label)") { profile.grids[label] = axes }
                    }
                } else {
                    r.problem(n, "\(path).grids: expected a mapping of optimizer labels to hyperparameter grids")
                }
            }
            scales[name] = profile
        }
        return scales
    }

    /// The claims; a claim without a `metric` judges on the selection's metric.
    /// `axes`: the hyperparameter names of every optimizer's grid (what `where` may name).
    static func parseClaims(
        _ r: SpecReader, _ node: Node?, labels: [String], axes: Set<String>, defaultMetric: MetricName
    ) -> [ClaimSpec] {
        guard let items = r.list(node, "claims", nonEmpty: false) else { return [] }
        var claims: [ClaimSpec] = []
        let fields = [
            "id", "statement", "relation", "subject", "versus", "metric", "last-fraction", "epochs", "tolerance",
            "target", "axis", "range", "per", "settings", "where",
        ]
        for (i, item) in items.enumerated() {
            let path = "claims[\(i)]"
            let atLeast = item.mapping?["relation"]?.string == ClaimSpec.Relation.atLeast.rawValue
            guard
                let m = r.mapping(
                    item, path, allowed: fields,
                    required: atLeast
                        ? ["id", "statement", "relation", "subject", "target"]
                        : ["id", "statement", "relation", "subject", "versus"])
            else { continue }
            let id = r.string(m["id"], "\(path).id")
            let statement = r.string(m["statement"], "\(path).statement")
            let relation = r.word(m["relation"], "\(path).relation", among: ClaimSpec.Relation.allCases.map(\.rawValue))
                .flatMap(ClaimSpec.Relation.init(rawValue:))
            func label(_ node: Node?, _ p: String) -> String? {
                guard let l = r.string(node, p) else { return nil }
                if !labels.contains(l) {
                    r.problem(node, "\(p): no optimizer labelled '\(l)'" + Suggestion.hint(for: l, among: labels))
                    return nil
                }
                return l
            }
            // `subject`: one label, or a list of them for a claim about several ("A and B beat C").
            var subjects: [String]? = nil
            if let node = m["subject"] {
                if case .sequence = node {
                    let items = r.list(node, "\(path).subject") ?? []
                    let found = items.enumerated().compactMap { label($0.element, "\(path).subject[\($0.offset)]") }
                    if Set(found).count < found.count {
                        r.problem(node, "\(path).subject: a label is listed twice; expected distinct labels")
                    }
                    subjects = found.count == items.count && !found.isEmpty ? found : nil
                } else {
                    subjects = label(node, "\(path).subject").map { [$0] }
                }
            }
            var versus: [String] = []
            if atLeast, let node = m["versus"] {
                r.problem(
                    node,
                    "\(path).versus: an 'at-least' claim compares the subject with its target, not with other optimizers"
                )
            }
            if !atLeast, let list = r.list(m["versus"], "\(path).versus") {
                versus = list.enumerated().compactMap { label($0.element, "\(path).versus[\($0.offset)]") }
            }
            if let subjects, let both = subjects.first(where: versus.contains) {
                r.problem(
                    m["versus"], "\(path).versus: '\(both)' is also a subject; expected labels other than the subject's"
                )
            }
            let metric: MetricName =
                m["metric"].flatMap { r.word($0, "\(path).metric", among: MetricName.comparable) } ?? defaultMetric
            let fraction = m["last-fraction"].flatMap { r.number($0, "\(path).last-fraction", range: 0...1) } ?? 0.1
            let epochs = m["epochs"].flatMap { r.integer($0, "\(path).epochs", minimum: 1) }
            let tolerance = m["tolerance"].flatMap { r.number($0, "\(path).tolerance", range: 0...10) } ?? 0.05
            let target = m["target"].flatMap { r.number($0, "\(path).target") }
            let axis = m["axis"].flatMap { r.word($0, "\(path).axis", among: ClaimSpec.Axis.allCases.map(\.rawValue)) }
                .flatMap(ClaimSpec.Axis.init(rawValue:))
            if m["axis"] != nil && relation != nil && relation != .faster {
                r.problem(m["axis"], "\(path).axis: only a 'faster' claim has an axis")
            }
            var range: ClosedRange<Double>? = nil
            if let node = m["range"] {
                let bounds = r.list(node, "\(path).range")?.enumerated().compactMap {
                    r.number($0.element, "\(path).range[\($0.offset)]")
                }
                if let bounds, bounds.count == 2, bounds[0] > 0, bounds[0] <= bounds[1] {
                    range = bounds[0]...bounds[1]
                } else if bounds != nil {
                    r.problem(node, "\(path).range: expected [low, high] with 0 < low <= high")
                }
            }
            let per = m["per"].flatMap { r.word($0, "\(path).per", among: ClaimSpec.CostUnit.allCases.map(\.rawValue)) }
                .flatMap(ClaimSpec.CostUnit.init(rawValue:))
            if m["per"] != nil && relation != nil && relation != .costRatio {
                r.problem(m["per"], "\(path).per: only a 'cost-ratio' claim has a cost unit")
            }
            if relation == .costRatio && m["range"] == nil {
                r.problem(item, "\(path).range: a 'cost-ratio' claim needs range: [low, high]")
            }
            let scope = parseScope(r, m, path, relation: relation, axes: axes)
            if let id, claims.contains(where: { $0.id == id }) {
                r.problem(m["id"], "\(path).id: duplicate claim id '\(id)'")
            }
            guard let id, let statement, let relation, let subjects else { continue }
            var claim = ClaimSpec(
                id: id, statement: statement, relation: relation, subjects: subjects, versus: versus, metric: metric,
                lastFraction: fraction, epochs: epochs, tolerance: tolerance, target: target, axis: axis,
                range: range, per: per)
            (claim.settings, claim.only) = scope
            claims.append(claim)
        }
        return claims
    }

    /// A claim's `settings` (best or every) and `where` (hyperparameter values; `settings: every` only).
    static func parseScope(
        _ r: SpecReader, _ m: [String: Node], _ path: String, relation: ClaimSpec.Relation?, axes: Set<String>
    ) -> (ClaimSpec.SettingScope, [String: HyperparameterValue]) {
        let scope =
            m["settings"].flatMap { r.word($0, "\(path).settings", among: ClaimSpec.SettingScope.allCases) } ?? .best
        let pairwise: [ClaimSpec.Relation] = [.better, .notWorse, .similar]
        if scope == .every, let relation, !pairwise.contains(relation) {
            r.problem(
                m["settings"],
                "\(path).settings: 'every' compares settings pairwise, for relations better, not-worse and similar")
        }
        var only: [String: HyperparameterValue] = [:]
        if let node = m["where"] {
            if scope != .every {
                r.problem(node, "\(path).where: only a claim with settings: every selects settings")
            } else if case .mapping(let mapping) = node, !mapping.isEmpty {
                for (key, value) in mapping {
                    guard let name = key.scalar?.string else { continue }
                    guard axes.contains(name) else {
                        r.problem(
                            key,
                            "\(path).where.\(name): no optimizer has a hyperparameter '\(name)'"
                                + Suggestion.hint(for: name, among: axes.sorted()))
                        continue
                    }
                    only[name] = hyperparameter(r, value, "\(path).where.\(name)")
                }
            } else {
                r.problem(node, "\(path).where: expected a mapping of hyperparameter values, e.g. {beta2: 0.9999}")
            }
        }
        return (scope, only)
    }
}
