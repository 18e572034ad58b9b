# Runs a command in a pseudo-terminal (for the CLI tests of what happens on a terminal): answers
# "Matrix user: " and "Password for ...: " prompts, then prints {"code", "output"} as JSON.
# usage: python3 pty_run.py USER PASSWORD COMMAND [ARGS...]
import json, os, pty, select, sys

user, password, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
pid, fd = pty.fork()
if pid == 0:
    os.execvpe(cmd[0], cmd, os.environ)
out = b""
sent_user = sent_password = False
while True:
    try:
        ready, _, _ = select.select([fd], [], [], 15)
        if not ready:
            break
        data = os.read(fd, 4096)
    except OSError:
        break
    if not data:
        break
    out += data
    if not sent_user and b"Matrix user: " in out:
        os.write(fd, (user + "\n").encode())
        sent_user = True
    if not sent_password and b"Password for " in out:
        os.write(fd, (password + "\n").encode())
        sent_password = True
_, status = os.waitpid(pid, 0)
print(json.dumps({"code": os.waitstatus_to_exitcode(status), "output": out.decode(errors="replace")}))
