/// How a spec tunes each optimizer: the seeds whose runs select its setting, the seeds the
/// selected setting then runs on, and how far a geometric grid axis is extended when the selection
/// lies at its edge (docs/SPEC.md, "Tuning protocol").
///
/// Stages of one optimizer, in order:
/// 1. *tuning*: every grid point on `seeds`;
/// 2. *extension* (repeated): when the selected value of an extendable axis is the grid's largest
///    (smallest) value tried, the selected setting with that axis moved one grid step beyond it, on
///    `seeds`, at most `maxExtensions` times per side; a step beyond that diverges closes the side;
/// 3. *confirm*: the selected setting on `confirmSeeds` (runs of the tuning seeds are reused).
///
/// Without a `tuning:` block a spec tunes on its training seeds and has no confirm stage: every
/// setting on every seed, the paper's protocol.
public struct TuningProtocol: Sendable, Hashable, Codable {
    /// Seeds whose runs select (nil = the protocol's training seeds).
    public var seeds: [UInt64]?
    /// Seeds the selected setting runs on afterwards (nil or empty = no confirm stage).
    public var confirmSeeds: [UInt64]?
    /// Extensions of an extendable axis beyond each edge of its grid.
    public var maxExtensions: Int?
    /// Hyperparameters whose axes may be extended (nil = the learning rate, `lr`).
    public var extend: [String]?

    public init(
        seeds: [UInt64]? = nil, confirmSeeds: [UInt64]? = nil, maxExtensions: Int? = nil, extend: [String]? = nil
    ) {
        self.seeds = seeds
        self.confirmSeeds = confirmSeeds
        self.maxExtensions = maxExtensions
        self.extend = extend
    }

    /// Extensions per side when a spec does not say.
    public static let defaultMaxExtensions = 2
    /// The axes extended when a spec does not say.
    public static let defaultExtendedAxes = ["lr"]

    /// `self` with the fields `override` sets replacing its own.
    public func overridden(by override: TuningProtocol) -> TuningProtocol {
        TuningProtocol(
            seeds: override.seeds ?? seeds, confirmSeeds: override.confirmSeeds ?? confirmSeeds,
            maxExtensions: override.maxExtensions ?? maxExtensions, extend: override.extend ?? extend)
    }
}

/// A tuning protocol resolved for one scale: every field decided.
public struct ResolvedTuning: Sendable, Hashable {
    /// Seeds whose runs select.
    public var seeds: [UInt64]
    /// Seeds the selected setting runs on afterwards, as named (empty = no confirm stage). The
    /// claims and the reported curves use these runs; without a confirm stage, the tuning seeds'.
    public var confirmSeeds: [UInt64]
    public var maxExtensions: Int
    public var extend: [String]

    /// Whether the protocol has a confirm stage.
    public var isStaged: Bool { !confirmSeeds.isEmpty }
    /// The seeds of the runs that judge (claims, comparison tables, plots).
    public var evidenceSeeds: [UInt64] { isStaged ? confirmSeeds : seeds }
    /// Confirm seeds without a tuning run to reuse: the confirm stage's new runs.
    public var newConfirmSeeds: [UInt64] { confirmSeeds.filter { !seeds.contains($0) } }

    public init(seeds: [UInt64], confirmSeeds: [UInt64] = [], maxExtensions: Int, extend: [String]) {
        self.seeds = seeds
        self.confirmSeeds = confirmSeeds
        self.maxExtensions = maxExtensions
        self.extend = extend
    }

    /// The spec's tuning protocol at a scale. A scale's `tuning:` fields replace the spec's; a scale
    /// that sets `seeds:` but no `tuning:` runs every setting on its seeds (no stages), so smoke and
    /// quick profiles keep their meaning when a spec adds stages for the paper's protocol.
    public init(spec: ExperimentSpec, profile: ScaleProfile, training: TrainingSpec) {
        var block = spec.tuning ?? TuningProtocol()
        if let scaleBlock = profile.tuning {
            block = block.overridden(by: scaleBlock)
        } else if profile.seeds != nil {
            block = TuningProtocol(maxExtensions: block.maxExtensions, extend: block.extend)
        }
        self.init(
            seeds: block.seeds ?? training.seeds, confirmSeeds: block.confirmSeeds ?? [],
            maxExtensions: block.maxExtensions ?? TuningProtocol.defaultMaxExtensions,
            extend: block.extend ?? TuningProtocol.defaultExtendedAxes)
    }
}
