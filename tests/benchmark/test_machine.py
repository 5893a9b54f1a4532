"""The machine description names the CPU, architecture, threads and runtime versions."""

import platform

from shufflenet_det.benchmark.machine import Machine, describe_machine


def test_describes_this_machine():
    machine = describe_machine(threads=1)
    assert machine.architecture == platform.machine()
    assert machine.threads == 1 and machine.logical_cpus >= machine.usable_cpus >= 1
    assert {'torch', 'onnxruntime'} <= set(machine.versions)
    assert machine.label.endswith(f'({machine.architecture}), 1 thread')
    data = machine.to_dict()
    assert data['label'] == machine.label and data['is_arm'] == machine.is_arm
    assert 'onnxruntime' in machine.markdown()


def test_arm_is_recognised_by_architecture():
    arm = Machine(cpu='Cortex-A76', architecture='aarch64', logical_cpus=4, usable_cpus=4, system='Linux',
                  python='3.11', torch_cpu_capability='DEFAULT', threads=2)
    assert arm.is_arm and arm.label == 'Cortex-A76 (aarch64), 2 threads'
    x86 = Machine(cpu='AMD EPYC', architecture='x86_64', logical_cpus=2, usable_cpus=2, system='Linux',
                  python='3.11', torch_cpu_capability='AVX512', threads=1)
    assert not x86.is_arm
