# The course's ticket client (000, "模拟购票", 客户端), kept as the course wrote it
# (the text's ▶ marker and trailing spaces dropped), so the tests show that
# muxd tickets works with it unchanged. Two edits, marked "muxd:", only make it
# testable: the server address comes from the command line.
#-*- coding: utf-8 -*-
import socket # 导入 socket 模块
import sys  # muxd: for the address below

port = int(sys.argv[2])  # muxd: was 5002
hostname = sys.argv[1]  # muxd: was '127.0.0.1'

client = socket.socket() # 创建 socket 对象
client.connect((hostname, port))
data = client.recv(100).decode('utf-8')
ticket_num, if_bought = int(data[:-1]), int(data[-1])
if not if_bought:
    print(f'现在还剩下{ticket_num}张票, 客户端1没有买到票')
else:
    print(f'现在还剩下{ticket_num}张票, 客户端1成功买到了一张票')
client.close()
