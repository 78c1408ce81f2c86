import Vocabulary

/// A named slice of a model's flat parameter buffer (weights of one layer, its biases...).
public struct ParameterView: Sendable, Equatable {
    public let name: String
    public let offset: Int
    public let shape: [Int]
    /// How the view is initialized (weights) — biases start at zero.
    public let initialization: Initialization
    /// Fan-in and fan-out, for He and Glorot scaling.
    public let fanIn: Int
    public let fanOut: Int

    public var count: Int { shape.reduce(1, *) }
    public var range: Range<Int> { offset..<offset + count }
}

/// All of a model's parameters in one flat buffer, as named views. An optimizer step is then one
/// pass over one buffer, and a checkpoint is one blob.
public struct ParameterLayout: Sendable, Equatable {
    public private(set) var views: [ParameterView] = []
    public private(set) var count = 0

    public init() {}

    /// Appends a view and returns it.
    @discardableResult
    public mutating func add(
        _ name: String, shape: [Int], initialization: Initialization, fanIn: Int = 1, fanOut: Int = 1
    ) -> ParameterView {
        let view = ParameterView(
            name: name, offset: count, shape: shape, initialization: initialization, fanIn: fanIn, fanOut: fanOut)
        views.append(view)
        count += view.count
        return view
    }

    public func view(_ name: String) -> ParameterView? { views.first { $0.name == name } }
}
