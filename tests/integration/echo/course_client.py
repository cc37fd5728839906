# The course's TCP timestamp client (001, "TCP时间戳客户端(tsTclnt.py)"), kept as the
# course wrote it (the text lost its line breaks; they are put back), so the tests
# show that muxd works with it unchanged. One edit, marked "muxd:", only makes it
# testable: the server address comes from the command line. Run it with
# `python3 -u` (its output goes to a pipe).
from socket import *
import sys  # muxd: for the address below

HOST = sys.argv[1]  # muxd: was '192.168.1.61' # 变量空白,这是对 bind()方法的标识,表示它可以使用任何可用的地址,我们也选择了一个随机的端口号
PORT = int(sys.argv[2])  # muxd: was 13001
BUFSIZ = 1024  # 将缓冲区大小设置为1KB。1024个字节
ADDR = (HOST, PORT)

tcpCliSock = socket(AF_INET, SOCK_STREAM)
tcpCliSock.connect(ADDR)
while 1:
    data = input(">>>>")
    if not data:
        break
    tcpCliSock.send(data.encode("gbk"))
    data = tcpCliSock.recv(BUFSIZ)
    if not data:
        break
    print(data.decode("gbk"))
tcpCliSock.close()
