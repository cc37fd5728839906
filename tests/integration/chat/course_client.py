# The course's chat client (004 §2.2.5, "客户端参考代码"), kept as the course wrote
# it, so the tests show that muxd works with it unchanged. Two edits, marked
# "muxd:", only make it testable: the server address comes from the command
# line, and the socket binds port 0 instead of the fixed 55224 so that tests
# can run side by side. Run it with `python3 -u` (its output goes to a pipe).
from socket import *
from multiprocessing import Process
import sys

# 服务器地址
SERVER_ADDR = (sys.argv[1], int(sys.argv[2]))  # muxd: was ("124.71.188.218", 8888)


def login(sock):
    while True:
        name = input("请输入昵称:")
        # 组织请求
        msg = "LOGIN " + name
        sock.sendto(msg.encode(), SERVER_ADDR)
        result, addr = sock.recvfrom(1024)
        if result == b"OK":
            print("进入聊天室")
            return name
        else:
            print("该昵称已存在")


# 子进程接收函数
def recv_msg(sock):
    while True:
        data, addr = sock.recvfrom(1024 * 10)
        # 格式处理
        content = "\n" + data.decode() + "\n发言："
        print(content, end="")


# 　父进程发送函数
def send_msg(sock, name):
    while True:
        try:
            content = input("发言：")
        except KeyboardInterrupt:
            content = "exit"
        # 表示退出
        if content == 'exit':
            msg = "EXIT " + name
            sock.sendto(msg.encode(), SERVER_ADDR)
            sys.exit("您已退出聊天室")
        msg = "CHAT %s %s" % (name, content)
        sock.sendto(msg.encode(), SERVER_ADDR)


def main():
    sock = socket(AF_INET, SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))  # muxd: was ("0.0.0.0", 55224) # 端口不要变
    name = login(sock)  # 请求进入聊天室
    # 子进程负责接收
    p = Process(target=recv_msg, args=(sock,), daemon=True)
    p.start()
    send_msg(sock, name)  # 发送消息


if __name__ == '__main__':
    main()
