/// Which part of a dataset.
public enum DataSplit: String, Sendable, CaseIterable {
    case train, test
}
