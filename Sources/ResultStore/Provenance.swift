/// Where and with what a run was produced, as far as the process is concerned: commit, toolchain,
/// OpenBLAS kernel set and build, CPU, OS, host, numerics version. The runner collects it once per
/// process (`Provenance.collect`, in Runner); `RunProvenance` adds what each run used.
public struct Provenance: Sendable, Codable, Equatable {
    public var gitCommit: String
    public var gitDirty: Bool
    public var swiftVersion: String
    public var openBLASCore: String
    public var openBLASConfig: String
    public var cpu: String
    public var os: String
    public var host: String
    public var numericsVersion: Int

    public init(
        gitCommit: String, gitDirty: Bool, swiftVersion: String, openBLASCore: String, openBLASConfig: String,
        cpu: String, os: String, host: String, numericsVersion: Int
    ) {
        self.gitCommit = gitCommit
        self.gitDirty = gitDirty
        self.swiftVersion = swiftVersion
        self.openBLASCore = openBLASCore
        self.openBLASConfig = openBLASConfig
        self.cpu = cpu
        self.os = os
        self.host = host
        self.numericsVersion = numericsVersion
    }
}
