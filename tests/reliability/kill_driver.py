"""Run tools/train.py with a pause inside one checkpoint save, so that a test can kill it there with SIGKILL.

Usage: python kill_driver.py PAUSE_AT SAVE_NUMBER -- <tools/train.py arguments>
    PAUSE_AT: ``write`` (half of the temporary file written), ``commit`` (temporary file complete, not yet renamed)
              or ``none``.
    SAVE_NUMBER: which save of this run pauses (1 = the first).
The work dir (``--work-dir``) receives ``paused`` when the pause starts, ``committed.txt`` (one line per checkpoint
put in place) and ``resumed.txt`` (the checkpoint and iteration a resumed run starts from).
"""

import runpy
import sys
import time
from pathlib import Path

from mmengine.fileio import LocalBackend
from mmengine.runner import Runner

from shufflenet_det.engine import checkpoint_hook

ROOT = Path(__file__).resolve().parents[2]
PAUSE_SECONDS = 600


def main() -> None:
    pause_at, save_number = sys.argv[1], int(sys.argv[2])
    train_args = sys.argv[sys.argv.index('--') + 1:]
    work_dir = Path(train_args[train_args.index('--work-dir') + 1])
    saves = {'count': 0}

    def pause(what: str) -> None:
        (work_dir / 'paused').write_text(what)
        time.sleep(PAUSE_SECONDS)

    real_put = LocalBackend.put

    def put(self, obj: bytes, filepath) -> None:
        if str(filepath).endswith(checkpoint_hook.TEMPORARY_SUFFIX):
            saves['count'] += 1
            if pause_at == 'write' and saves['count'] == save_number:
                with open(filepath, 'wb') as file:
                    file.write(obj[:len(obj) // 2])
                    file.flush()
                pause(f'write {filepath}')
        real_put(self, obj, filepath)

    real_commit = checkpoint_hook.commit

    def commit(temporary, path) -> None:
        if pause_at == 'commit' and saves['count'] == save_number:
            pause(f'commit {path}')
        real_commit(temporary, path)
        with open(work_dir / 'committed.txt', 'a') as file:
            file.write(f'{path}\n')

    real_resume = Runner.resume

    def resume(self, filename, *args, **kwargs) -> None:
        real_resume(self, filename, *args, **kwargs)
        (work_dir / 'resumed.txt').write_text(f'{filename} {self.iter}\n')

    LocalBackend.put = put
    checkpoint_hook.commit = commit
    Runner.resume = resume
    sys.argv = [str(ROOT / 'tools/train.py'), *train_args]
    runpy.run_path(str(ROOT / 'tools/train.py'), run_name='__main__')


if __name__ == '__main__':
    main()
