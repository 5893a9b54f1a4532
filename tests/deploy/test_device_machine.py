"""The device description: CPU names from /proc/cpuinfo (x86 and ARM), versions, threads, emulation label."""

import platform

import onnxruntime

from shufflenet_det.deploy.machine import Machine, cpu_model, describe_machine, read_cpuinfo

RASPBERRY_PI_5 = ''.join(f'processor\t: {index}\nBogoMIPS\t: 108.00\nCPU implementer\t: 0x41\nCPU part\t: 0xd0b\n\n'
                         for index in range(4)) + 'Revision\t: d04170\nModel\t\t: Raspberry Pi 5 Model B Rev 1.0\n'
BIG_LITTLE = ''.join(f'processor\t: {index}\nCPU implementer\t: 0x41\nCPU part\t: {part}\n\n'
                     for index, part in enumerate(['0xd05'] * 4 + ['0xd0b'] * 2 + ['0xd44']))


def test_arm_cores_are_named_from_part_numbers(tmp_path):
    (tmp_path / 'pi5').write_text(RASPBERRY_PI_5)
    assert cpu_model(read_cpuinfo(tmp_path / 'pi5')) == '4x Cortex-A76'
    (tmp_path / 'phone').write_text(BIG_LITTLE)
    assert cpu_model(read_cpuinfo(tmp_path / 'phone')) == '4x Cortex-A55 + 2x Cortex-A76 + 1x Cortex-X1'


def test_x86_model_name_and_unknown_parts(tmp_path):
    (tmp_path / 'x86').write_text('processor\t: 0\nmodel name\t: Some CPU @ 2.0GHz\n\n')
    assert cpu_model(read_cpuinfo(tmp_path / 'x86')) == 'Some CPU @ 2.0GHz'
    (tmp_path / 'other').write_text('processor\t: 0\nCPU implementer\t: 0x51\nCPU part\t: 0x802\n\n')
    assert cpu_model(read_cpuinfo(tmp_path / 'other')) == '1x implementer 0x51 part 0x802'
    assert read_cpuinfo(tmp_path / 'absent') == []
    assert cpu_model([]) == (platform.processor() or platform.machine() or 'unknown CPU')


def test_describes_this_machine():
    machine = describe_machine(threads=2, packages=('pytest', 'not-a-package'))
    assert machine.architecture == platform.machine() and machine.versions['onnxruntime'] == onnxruntime.__version__
    assert set(machine.versions) == {'onnxruntime', 'numpy', 'pytest'}
    assert machine.threads == 2 and machine.logical_cpus >= machine.usable_cpus >= 1 and machine.emulated is None
    assert machine.label.endswith('2 threads') and 'EMULATED' not in machine.label
    data = machine.to_dict()
    assert data['label'] == machine.label and data['is_arm'] == machine.is_arm and data['versions']['numpy']
    assert 'onnxruntime' in machine.markdown()


def test_emulated_runs_say_so():
    machine = describe_machine(threads=1, emulated='qemu-user 7.2 on x86_64')
    assert 'EMULATED by qemu-user 7.2 on x86_64, not a real' in machine.label


def test_arm_is_recognised_by_architecture_and_labelled_with_its_board():
    arm = Machine(cpu='4x Cortex-A76', architecture='aarch64', board='Raspberry Pi 5', logical_cpus=4,
                  usable_cpus=4, governor='performance', system='Linux', python='3.11', threads=2)
    assert arm.is_arm and arm.label == '4x Cortex-A76 (aarch64; Raspberry Pi 5), 2 threads'
    x86 = Machine(cpu='AMD EPYC', architecture='x86_64', board=None, logical_cpus=2, usable_cpus=2, governor=None,
                  system='Linux', python='3.11', threads=1, torch_cpu_capability='AVX512')
    assert not x86.is_arm and x86.label == 'AMD EPYC (x86_64), 1 thread'
    assert 'torch CPU capability AVX512' in x86.markdown()
