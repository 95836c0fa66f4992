# Sends WM_DELETE_WINDOW to the app's window, as a window manager's close button does.
import sys
from Xlib import display, X, protocol
d = display.Display()
root = d.screen().root
NET_NAME = d.intern_atom('_NET_WM_NAME'); UTF8 = d.intern_atom('UTF8_STRING')
PROT = d.intern_atom('WM_PROTOCOLS'); DEL = d.intern_atom('WM_DELETE_WINDOW')
def walk(w):
    yield w
    for c in w.query_tree().children:
        yield from walk(c)
for w in walk(root):
    try:
        p = w.get_full_property(NET_NAME, UTF8)
        name = p.value.decode() if p else (w.get_wm_name() or '')
    except Exception:
        continue
    if sys.argv[1] in str(name):
        ev = protocol.event.ClientMessage(window=w, client_type=PROT, data=(32, [DEL, X.CurrentTime, 0, 0, 0]))
        w.send_event(ev); d.flush(); print('sent to', hex(w.id), name); break
