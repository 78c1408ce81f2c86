import ResultStore
import Testing

@testable import Runner

/// What `Provenance.collect` records of the CPU: the model name with its family and model numbers, so
/// that two hosts a virtual machine names alike ("AMD EPYC") stay apart in the runs' records.
@Suite struct ProvenanceTests {
    static let twoProcessors = """
        processor\t: 0
        vendor_id\t: AuthenticAMD
        cpu family\t: 26
        model\t\t: 2
        model name\t: AMD EPYC
        flags\t\t: fpu avx512f avx512_vp2intersect

        processor\t: 1
        vendor_id\t: AuthenticAMD
        cpu family\t: 25
        model\t\t: 17
        model name\t: AMD EPYC 9454
        """

    @Test func theFirstProcessorIsDescribedWithFamilyAndModel() {
        #expect(Provenance.cpuDescription(cpuinfo: Self.twoProcessors) == "AMD EPYC (family 26, model 2)")
    }

    @Test func withoutFamilyOrModelTheNameStandsAlone() {
        let arm = "processor\t: 0\nBogoMIPS\t: 50.00\nmodel name\t: Neoverse-N1\n"
        #expect(Provenance.cpuDescription(cpuinfo: arm) == "Neoverse-N1")
    }

    @Test func withoutAModelNameTheCPUIsUnknown() {
        #expect(Provenance.cpuDescription(cpuinfo: "processor\t: 0\nCPU implementer\t: 0x41\n") == "unknown")
        #expect(Provenance.cpuDescription(cpuinfo: "") == "unknown")
    }
}
