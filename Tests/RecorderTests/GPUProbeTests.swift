import Recorder
import Testing

/// nvidia-smi's CSV as the probe reads it: several GPUs, fields the driver
/// cannot read, lines that are not CSV at all.
struct GPUProbeTests {
    @Test func devicesAreReadOnePerLineSkippingWhatIsNotADevice() {
        let text = "0, 1000, 30\n1, 3000, 50\n2, [N/A], [Not Supported]\n3, 512, [N/A]\nnot a csv line\n4, 12\n\n"
        #expect(GPUProbe.parseDevices(text) == [
            .init(index: 0, memoryUsedMiB: 1000, utilizationPercent: 30),
            .init(index: 1, memoryUsedMiB: 3000, utilizationPercent: 50),
            .init(index: 3, memoryUsedMiB: 512, utilizationPercent: nil),
        ])
    }

    @Test func theRunsOwnMemoryCountsOnlyItsProcessesOnEveryGPU() {
        let apps = GPUProbe.parseApps("4242, 2048\n4243, 100\n4242, 1024\n999, 7000\n[N/A], 5\n")
        #expect(apps == [4242: 3072, 4243: 100, 999: 7000])
        let devices = GPUProbe.parseDevices("0, 1000, 30\n1, 3000, 50\n3, 512, [N/A]\n")
        let m = Dictionary(uniqueKeysWithValues: GPUProbe.metrics(devices: devices, apps: apps, pids: [4242, 4243, 1]))
        #expect(m["gpu_count"] == 3)
        #expect(m["gpu_memory_bytes"] == Double(3172 * 1_048_576))
        #expect(m["gpu_device_memory_bytes"] == Double(4512 * 1_048_576))
        #expect(m["gpu_utilization_percent"] == 40) // the two devices that report it
    }

    @Test func noDevicesNoSamplesAndAnUnreadableProcessListLeavesOnlyDeviceFigures() {
        #expect(GPUProbe.metrics(devices: [], apps: [1: 5], pids: [1]).isEmpty)
        let m = Dictionary(uniqueKeysWithValues: GPUProbe.metrics(devices: GPUProbe.parseDevices("0, 10, 5\n"), apps: nil, pids: [1]))
        #expect(m["gpu_memory_bytes"] == nil && m["gpu_device_memory_bytes"] == 10 * 1_048_576)
    }
}

/// NVML's energy counter through nvidia-smi: millijoules per device, summed;
/// unreadable fields and other lines are left out, never read as 0.
@Test func gpuEnergyIsSummedOverTheDevicesThatReportIt() {
    #expect(GPUProbe.parseEnergy("0, 1500000\n1, 2500\n2, [N/A]\n") == 1_502_500)
    #expect(GPUProbe.parseEnergy("0, [Not Supported]\n") == nil)
    #expect(GPUProbe.parseEnergy("0, 1000, 30\n") == nil)
    #expect(GPUProbe.parseEnergy("") == nil)
}
