# Threads, fork without exec, a socket pair, a pipe under select and a timer signal: what
# Python's runtime asks of the kernel beyond files.
import os
import select
import signal
import socket
import threading
import time

lock = threading.Lock()
results = []


def work(n):
    total = sum(i * i for i in range(n))
    with lock:
        results.append((n, total))


threads = [threading.Thread(target=work, args=(k * 1000,)) for k in range(1, 5)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(sorted(results))
pid = os.fork()
if pid == 0:
    os._exit(5)
print("child exit", os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
a, b = socket.socketpair()
a.send(b"hello")
print(b.recv(5))
r, w = os.pipe()
os.write(w, b"x")
print(select.select([r], [], [], 1)[0] == [r])
signal.signal(signal.SIGALRM, lambda *_: print("alarm"))
signal.setitimer(signal.ITIMER_REAL, 0.05)
time.sleep(0.5)
print(len(os.urandom(16)), os.getuid(), os.uname().sysname, os.uname().machine, os.getpid() > 1)
