# The course's Q&A server (004 §1.3.5, "对话小程序", 服务端), kept as the course wrote
# it: the reference that muxd qa's answers are compared with. One edit, marked "muxd:",
# only makes it testable: the address comes from the command line.
from socket import *
import sys  # muxd: for the address below

# 对话字典
chat = {
    "你好":"你好啊！",
    "叫什么":"我叫小美",
    "男生女生":"我是机器人啦",
    "你几岁":"我2岁啦"
}

def handle(connfd):
    # q 客户端问题
    q = connfd.recv(1024).decode()
    for key,value in chat.items():
        if key in q:
            connfd.send(value.encode())
            break
    else:
        connfd.send("人家还小不知道啦。".encode())

def main():
    sock = socket()
    sock.bind((sys.argv[1], int(sys.argv[2])))  # muxd: was ("0.0.0.0",8888)
    sock.listen(5)
    # 循环处理对话
    while True:
        connfd,addr = sock.accept()
        handle(connfd) # 接收问题回答问题
        connfd.close()

if __name__ == '__main__':
    main()
