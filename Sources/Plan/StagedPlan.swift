import Experiments
import Optimizers

/// What is known of a finished run when the plan's next stage is decided.
public enum StageOutcome: Sendable, Hashable {
    /// Finished without divergence, with its selection score (`SelectionRule.score`).
    case completed(score: Double)
    case diverged
}

/// The runs of a spec at a scale as far as its results decide them: the tuning stage, then the
/// grid extensions and the confirm stage of each optimizer once the runs they depend on finished
/// (`TuningProtocol`). A pure function of the spec, the scale, the keys' inputs and the outcomes of
/// finished runs: the same results give the same plan on any machine, in any order of completion.
public struct StagedPlan: Sendable {
    public let tuning: ResolvedTuning
    /// Per optimizer entry the scale runs, in spec order.
    public let optimizers: [OptimizerStages]

    /// Every run known so far: tuning and extension runs, then confirm runs, without duplicates.
    public var runs: [PlannedRun] { optimizers.flatMap(\.runs) }
    /// Whether every stage of every optimizer is decided (all that is left is to run its runs): no
    /// optimizer still tuning could add an extension or confirm runs.
    public var isDecided: Bool {
        optimizers.allSatisfy { o in
            o.phase != .tuning
                || (!tuning.isStaged
                    && (tuning.maxExtensions == 0
                        || !o.entry.grid.contains { tuning.extend.contains($0.name) && Set($0.values).count >= 2 }))
        }
    }

    /// Resolves the plan against the outcomes of finished runs (`outcome(key)`, nil = not finished).
    public static func resolve(
        _ spec: ExperimentSpec, scale: String, datasetFingerprint: String, blasKernels: String,
        outcome: (String) -> StageOutcome?
    ) throws -> StagedPlan {
        let (training, profile) = try RunPlan.training(spec, scale: scale)
        let tuning = ResolvedTuning(spec: spec, profile: profile, training: training)
        let optimizers = try RunPlan.entries(spec, profile: profile).map { entry in
            var resolver = StageResolver(
                spec: spec, scale: scale, entry: entry, tuning: tuning, training: training,
                datasetFingerprint: datasetFingerprint, blasKernels: blasKernels)
            return try resolver.resolve(outcome: outcome)
        }
        return StagedPlan(tuning: tuning, optimizers: optimizers)
    }
}

/// One optimizer's stages: the settings tried on the tuning seeds, the selection, the edges it sits
/// at, and the confirm runs.
public struct OptimizerStages: Sendable {
    public enum Phase: String, Sendable, Hashable {
        /// Tuning or extension runs are still to finish.
        case tuning
        /// Selected; confirm runs are still to finish.
        case confirming
        /// Every run finished (or no setting finished without diverging).
        case done
    }

    /// A setting tried on the tuning seeds.
    public struct Point: Sendable {
        public let setting: [String: HyperparameterValue]
        public let settingJSON: String
        public let stage: RunStage
        /// Its runs on the tuning seeds, in seed order.
        public let runs: [PlannedRun]
        /// Mean score over the tuning seeds; +infinity when a run diverged; nil until all finished.
        public let score: Double?
    }

    public let label: String
    /// The entry with the scale's grids applied (the grid before extensions).
    public let entry: OptimizerEntry
    public let points: [Point]
    public let phase: Phase
    /// The selected setting (the lowest finite tuning score, ties by the setting's JSON); nil while
    /// tuning is in progress or when every setting diverged.
    public let selected: Point?
    /// The edges of the grid the selection still lies at (none when it is inside).
    public let edges: [EdgeStatus]
    /// The selected setting's runs on the confirm seeds that are not tuning seeds.
    public let confirmRuns: [PlannedRun]
    /// The runs that judge: the selected setting on the evidence seeds (`ResolvedTuning`).
    public let evidenceRuns: [PlannedRun]

    /// Every run of this optimizer known so far.
    public var runs: [PlannedRun] { points.flatMap(\.runs) + confirmRuns }
    /// The settings tried so far: the points finished on every tuning seed (their score is known).
    public var triedPoints: [Point] { points.filter { $0.score != nil } }
    /// Settings beyond the grid's edges tried so far (among `triedPoints`).
    public var extensionCount: Int { triedPoints.filter { $0.stage == .extension }.count }
}

/// Decides one optimizer's stages, round by round: select among the finished tuning points, extend
/// one edge if the selection lies at it, repeat; then confirm.
struct StageResolver {
    let spec: ExperimentSpec
    let scale: String
    let entry: OptimizerEntry
    let tuning: ResolvedTuning
    let training: TrainingSpec
    let datasetFingerprint: String
    let blasKernels: String

    init(
        spec: ExperimentSpec, scale: String, entry: OptimizerEntry, tuning: ResolvedTuning, training: TrainingSpec,
        datasetFingerprint: String, blasKernels: String
    ) {
        self.spec = spec
        self.scale = scale
        self.entry = entry
        self.tuning = tuning
        self.training = training
        self.datasetFingerprint = datasetFingerprint
        self.blasKernels = blasKernels
    }

    func run(_ setting: [String: HyperparameterValue], seed: UInt64, stage: RunStage) throws -> PlannedRun {
        try RunPlan.run(
            spec, scale: scale, entry: entry, setting: setting, seed: seed, stage: stage, training: training,
            datasetFingerprint: datasetFingerprint, blasKernels: blasKernels)
    }

    func point(
        _ setting: [String: HyperparameterValue], stage: RunStage, outcome: (String) -> StageOutcome?
    ) throws -> OptimizerStages.Point {
        let runs = try tuning.seeds.map { try run(setting, seed: $0, stage: stage) }
        let outcomes = runs.map { outcome($0.key) }
        var score: Double? = nil
        if outcomes.allSatisfy({ $0 != nil }) {
            let scores = outcomes.map { o -> Double in
                if case .completed(let s) = o { return s }
                return .infinity
            }
            score = scores.contains(.infinity) ? .infinity : scores.reduce(0, +) / Double(scores.count)
        }
        return .init(
            setting: setting, settingJSON: RunPlan.compactJSON(setting), stage: stage, runs: runs, score: score)
    }

    mutating func resolve(outcome: (String) -> StageOutcome?) throws -> OptimizerStages {
        var points = try entry.settings().map { try point($0, stage: .grid, outcome: outcome) }
        while true {
            if points.contains(where: { $0.score == nil }) {
                return try stages(points, phase: .tuning, selected: nil, edges: [], outcome: outcome)
            }
            let finite = points.filter { $0.score!.isFinite }
            guard let best = finite.min(by: { ($0.score!, $0.settingJSON) < ($1.score!, $1.settingJSON) }) else {
                return try stages(points, phase: .done, selected: nil, edges: [], outcome: outcome)
            }
            let (next, edges) = try extensionStep(best, points: points)
            if let next {
                points.append(try point(next, stage: .extension, outcome: outcome))
                continue
            }
            return try stages(points, phase: .confirming, selected: best, edges: edges, outcome: outcome)
        }
    }

    /// The next setting to try beyond an edge, or the edges the selection stays at.
    func extensionStep(
        _ best: OptimizerStages.Point, points: [OptimizerStages.Point]
    ) throws -> ([String: HyperparameterValue]?, [EdgeStatus]) {
        var edges: [EdgeStatus] = []
        for axis in entry.grid {
            let gridValues = axis.values.compactMap(\.number).sorted()
            guard gridValues.count == axis.values.count, Set(gridValues).count >= 2,
                case .number(let chosen)? = best.setting[axis.name]
            else { continue }
            // The values tried along the selection's line: the points that agree with it elsewhere.
            let line = Set(
                points.filter { p in
                    p.setting.allSatisfy { $0.key == axis.name || best.setting[$0.key] == $0.value }
                }.compactMap { $0.setting[axis.name]?.number }
            ).sorted()
            let side: EdgeStatus.Side
            if chosen == line.last {
                side = .upper
            } else if chosen == line.first {
                side = .lower
            } else {
                continue
            }
            let tried = line.filter { side == .upper ? $0 > gridValues.last! : $0 < gridValues.first! }.count
            let spacing = AxisSpacing(gridValues)
            func edge(_ reason: EdgeStatus.Reason) -> EdgeStatus {
                EdgeStatus(axis: axis.name, side: side, extensionsTried: tried, reason: reason, spacing: spacing)
            }
            guard tuning.extend.contains(axis.name), spacing == .geometric,
                let value = AxisSpacing.beyond(line, upward: side == .upper)
            else {
                edges.append(edge(.notExtendable))
                continue
            }
            guard tried < tuning.maxExtensions else {
                edges.append(edge(.capReached))
                continue
            }
            var next = best.setting
            next[axis.name] = .number(value)
            guard value.isFinite, (try? RunPlan.configuration(spec, scale: scale, entry: entry, setting: next)) != nil
            else {
                edges.append(edge(.outsideDomain))
                continue
            }
            return (next, [])
        }
        return (nil, edges)
    }

    func stages(
        _ points: [OptimizerStages.Point], phase: OptimizerStages.Phase, selected: OptimizerStages.Point?,
        edges: [EdgeStatus], outcome: (String) -> StageOutcome?
    ) throws -> OptimizerStages {
        var confirm: [PlannedRun] = []
        var evidence: [PlannedRun] = []
        var phase = phase
        if let selected {
            confirm = try tuning.newConfirmSeeds.map { try run(selected.setting, seed: $0, stage: .confirm) }
            let bySeed = Dictionary(uniqueKeysWithValues: (selected.runs + confirm).map { ($0.seed, $0) })
            evidence = tuning.evidenceSeeds.compactMap { bySeed[$0] }
            if confirm.allSatisfy({ outcome($0.key) != nil }) { phase = .done }
        }
        return OptimizerStages(
            label: entry.label, entry: entry, points: points, phase: phase, selected: selected, edges: edges,
            confirmRuns: confirm, evidenceRuns: evidence)
    }
}
