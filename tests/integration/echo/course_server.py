# The course's TCP timestamp server (001, "TCP时间戳服务器简单示例"), kept as the course
# wrote it (the text lost its indentation; it is put back): the reference that
# muxd echo's replies are compared with, byte for byte. One edit, marked "muxd:",
# only makes it testable: the address comes from the command line.
from socket import *
from time import ctime
import sys  # muxd: for the address below

HOST = sys.argv[1]  # muxd: was '192.168.1.61' # 变量空白,这是对 bind()方法的标识,表示它可以使用任何可用的地址,我们也选择了一个随机的端口号
PORT = int(sys.argv[2])  # muxd: was 13001
BUFSIZ = 1024  # 将缓冲区大小设置为1KB。1024个字节
ADDR = (HOST, PORT)

tcpSerSock = socket(AF_INET, SOCK_STREAM)  # AF_INET:基于网络的套件字,面向连接的套接字:SOCK_STREAM
tcpSerSock.bind(ADDR)
tcpSerSock.listen(5)  # listen()方法的参数是在连接被转接或拒绝之前,传入连接请求的最大数。

while 1:
    print("等待客户端连接......")
    tcpCliSock, addr = tcpSerSock.accept()
    print(f"...建立链接成功,连接进来的用户为:{addr}")

    while 1:
        try:
            data = tcpCliSock.recv(BUFSIZ)
            if not data:
                break
            tcpCliSock.send(f"[{ctime()}]: ".encode('utf-8')+data)
            # # print(data)
            # tcpCliSock.send(f"{ctime()}:{data}")
        except ConnectionResetError:
            tcpCliSock.close()
            break

    tcpCliSock.close()
tcpSerSock.close()
