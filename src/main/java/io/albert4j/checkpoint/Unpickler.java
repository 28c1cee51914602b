package io.albert4j.checkpoint;

import io.albert4j.AlbertException;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A restricted pickle reader: it interprets only the opcodes a PyTorch state dict uses, builds plain
 * Java values (String, Long, BigInteger, Double, Boolean, {@link #NONE}, {@link Tuple}, ArrayList,
 * LinkedHashMap, byte[]), and never runs anything. A class or function reference ({@code GLOBAL},
 * {@code STACK_GLOBAL}) is passed to the {@link Globals} policy, which returns an inert stand-in or
 * refuses; only stand-ins that implement {@link Callable} can be applied by {@code REDUCE} or
 * {@code NEWOBJ}. Opcodes that could build arbitrary objects in Python ({@code INST}, {@code OBJ},
 * the extension registry, ...) are refused.
 *
 * <p>Reads from a ByteBuffer starting at its position, and leaves the position just after STOP, so
 * consecutive pickles (PyTorch's legacy format) can be read one after another. Not thread-safe.
 */
final class Unpickler {

    /** Python's None. */
    static final Object NONE = new Object() {
        @Override
        public String toString() {
            return "None";
        }
    };

    /** A Python tuple. */
    record Tuple(List<Object> items) {
        Tuple {
            items = List.copyOf(items);
        }

        int size() {
            return items.size();
        }

        Object get(int i) {
            return items.get(i);
        }

        @Override
        public String toString() {
            return describe(this);
        }
    }

    /** A module-qualified name as GLOBAL names it. */
    record Global(String module, String name) {
        @Override
        public String toString() {
            return module + "." + name;
        }
    }

    /** A stand-in that REDUCE and NEWOBJ may apply; it must not have side effects outside its result. */
    interface Callable {
        Object call(Tuple args);
    }

    /** Decides what a global name stands for; throws to refuse it. */
    interface Globals {
        Object resolve(Global global);
    }

    /** Turns a persistent id (BINPERSID) into an object; throws to refuse it. */
    interface PersistentLoader {
        Object load(Object pid);
    }

    private static final Object MARK = new Object();
    private static final int MAX_LINE = 512;

    private final ByteBuffer in;
    private final String source;
    private final Globals globals;
    private final PersistentLoader persistentLoader;
    private final List<Object> stack = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();
    private int opcodeAt;

    Unpickler(ByteBuffer in, String source, Globals globals, PersistentLoader persistentLoader) {
        this.in = in.order(ByteOrder.LITTLE_ENDIAN);
        this.source = source;
        this.globals = globals;
        this.persistentLoader = persistentLoader;
    }

    /** Reads one pickle, up to and including STOP, and returns its value. */
    Object load() {
        try {
            return run();
        } catch (StackOverflowError e) {
            // a cyclic or absurdly nested structure used as a dict key
            throw error("the pickle builds a cyclic or too deeply nested structure");
        }
    }

    private Object run() {
        stack.clear();
        memo.clear();
        while (true) {
            opcodeAt = in.position();
            int op = u8();
            switch (op) {
                case 0x80 -> { // PROTO
                    int proto = u8();
                    if (proto > 5) {
                        throw error("pickle protocol " + proto + " is not supported (at most 5)");
                    }
                }
                case 0x95 -> { // FRAME: a length hint only
                    long len = in.getLong(need(8));
                    if (len < 0 || len > in.remaining()) {
                        throw error("FRAME of " + len + " bytes runs past the end of the data");
                    }
                }
                case '}' -> push(new LinkedHashMap<>());
                case ']' -> push(new ArrayList<>());
                case ')' -> push(new Tuple(List.of()));
                case '(' -> push(MARK);
                case 't' -> push(new Tuple(popMark()));
                case 0x85 -> push(new Tuple(List.of(pop())));
                case 0x86 -> {
                    Object b = pop();
                    Object a = pop();
                    push(new Tuple(List.of(a, b)));
                }
                case 0x87 -> {
                    Object c = pop();
                    Object b = pop();
                    Object a = pop();
                    push(new Tuple(List.of(a, b, c)));
                }
                case 'J' -> push((long) in.getInt(need(4)));
                case 'K' -> push((long) u8());
                case 'M' -> push((long) (in.getShort(need(2)) & 0xffff));
                case 0x8a -> push(long1());
                case 'X' -> push(utf8(length(in.getInt(need(4)) & 0xffffffffL)));
                case 0x8c -> push(utf8(u8()));
                case 0x8d -> push(utf8(length(in.getLong(need(8)))));
                case 'U' -> push(latin1(u8()));
                case 'T' -> push(latin1(length(in.getInt(need(4)))));
                case 'C' -> push(bytes(u8()));
                case 'B' -> push(bytes(length(in.getInt(need(4)) & 0xffffffffL)));
                case 'q' -> memo.put((long) u8(), peek());
                case 'r' -> memo.put(in.getInt(need(4)) & 0xffffffffL, peek());
                case 0x94 -> memo.put((long) memo.size(), peek());
                case 'h' -> push(memoGet(u8()));
                case 'j' -> push(memoGet(in.getInt(need(4)) & 0xffffffffL));
                case 's' -> {
                    Object value = pop();
                    Object key = pop();
                    dict(peek()).put(key, value);
                }
                case 'u' -> {
                    List<Object> items = popMark();
                    if (items.size() % 2 != 0) {
                        throw error("SETITEMS with an odd number of items");
                    }
                    Map<Object, Object> dict = dict(peek());
                    for (int i = 0; i < items.size(); i += 2) {
                        dict.put(items.get(i), items.get(i + 1));
                    }
                }
                case 'a' -> {
                    Object value = pop();
                    list(peek()).add(value);
                }
                case 'e' -> {
                    List<Object> items = popMark();
                    list(peek()).addAll(items);
                }
                case 'c' -> {
                    String module = line();
                    String name = line();
                    push(globals.resolve(new Global(module, name)));
                }
                case 0x93 -> {
                    Object name = pop();
                    Object module = pop();
                    if (!(module instanceof String m) || !(name instanceof String n)) {
                        throw error("STACK_GLOBAL needs two strings, found " + describe(module) + " and " + describe(name));
                    }
                    push(globals.resolve(new Global(m, n)));
                }
                case 'R' -> {
                    Object args = pop();
                    Object callable = pop();
                    push(apply(callable, args, "REDUCE"));
                }
                case 0x81 -> { // NEWOBJ: cls.__new__(cls, *args)
                    Object args = pop();
                    Object cls = pop();
                    push(apply(cls, args, "NEWOBJ"));
                }
                case 'b' -> {
                    // BUILD sets an object's state (OrderedDict's _metadata attribute in a state dict):
                    // irrelevant to the tensors, so the state is dropped, never applied.
                    pop();
                    peek();
                }
                case 'Q' -> push(persistentLoader.load(pop()));
                case 'N' -> push(NONE);
                case 0x88 -> push(Boolean.TRUE);
                case 0x89 -> push(Boolean.FALSE);
                case 'G' -> push(Double.longBitsToDouble(Long.reverseBytes(in.getLong(need(8)))));
                case '0' -> pop();
                case '1' -> popMark();
                case '2' -> push(peek());
                case '.' -> {
                    if (stack.size() != 1) {
                        throw error("STOP with " + stack.size() + " values on the stack (expected 1)");
                    }
                    return stack.get(0);
                }
                default -> throw error(String.format("unsupported pickle opcode 0x%02x%s; a state dict does not use it, "
                        + "refusing to interpret it", op, op >= 0x20 && op < 0x7f ? " ('" + (char) op + "')" : ""));
            }
        }
    }

    private Object apply(Object callable, Object args, String opcode) {
        if (!(callable instanceof Callable c)) {
            throw error(opcode + " applies " + describe(callable) + ", which is not an allowed callable");
        }
        if (!(args instanceof Tuple t)) {
            throw error(opcode + " needs an argument tuple, found " + describe(args));
        }
        return c.call(t);
    }

    private AlbertException error(String message) {
        return new AlbertException(source + ": " + message + " (pickle byte " + opcodeAt + ")");
    }

    /** A short description that never walks into containers (they may be cyclic). */
    static String describe(Object o) {
        if (o == null) {
            return "null";
        }
        if (o == NONE) {
            return "None";
        }
        if (o instanceof String s) {
            return AlbertException.quote(abbreviate(s));
        }
        if (o instanceof Tuple t) {
            return "a tuple of " + t.size();
        }
        if (o instanceof List<?> l) {
            return "a list of " + l.size();
        }
        if (o instanceof Map<?, ?> m) {
            return "a dict of " + m.size();
        }
        if (o instanceof Number || o instanceof Boolean || o instanceof Global) {
            return abbreviate(String.valueOf(o));
        }
        if (o instanceof byte[] b) {
            return b.length + " bytes";
        }
        return abbreviate(String.valueOf(o));
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }

    private int u8() {
        return in.get(need(1)) & 0xff;
    }

    /** Checks that n more bytes exist, returns their index and advances past them. */
    private int need(int n) {
        int at = in.position();
        if (in.remaining() < n) {
            throw new AlbertException(source + ": pickle data ends unexpectedly at byte " + in.limit()
                    + " (needed " + n + " more bytes for the opcode at byte " + opcodeAt + "); truncated?");
        }
        in.position(at + n);
        return at;
    }

    private int length(long n) {
        if (n < 0 || n > in.remaining()) {
            throw error("a string of " + n + " bytes runs past the end of the data (" + in.remaining() + " bytes left)");
        }
        return (int) n;
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        in.get(need(n), b, 0, n);
        return b;
    }

    private String utf8(int n) {
        byte[] b = bytes(n);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw error("invalid UTF-8 in a string");
        }
    }

    private String latin1(int n) {
        return new String(bytes(n), StandardCharsets.ISO_8859_1);
    }

    private Object long1() {
        int n = u8();
        byte[] le = bytes(n);
        if (n == 0) {
            return 0L;
        }
        byte[] be = new byte[n];
        for (int i = 0; i < n; i++) {
            be[i] = le[n - 1 - i];
        }
        BigInteger value = new BigInteger(be);
        return value.bitLength() < 64 ? (Object) value.longValue() : value;
    }

    private String line() {
        StringBuilder sb = new StringBuilder();
        while (true) {
            int c = u8();
            if (c == '\n') {
                return sb.toString();
            }
            if (c < 0x20 || c > 0x7e || sb.length() >= MAX_LINE) {
                throw error("malformed GLOBAL name");
            }
            sb.append((char) c);
        }
    }

    private Object memoGet(long index) {
        Object value = memo.get(index);
        if (value == null) {
            throw error("memo entry " + index + " is read before it is written");
        }
        return value;
    }

    private void push(Object o) {
        stack.add(o);
    }

    private Object pop() {
        if (stack.isEmpty()) {
            throw error("stack underflow");
        }
        Object o = stack.remove(stack.size() - 1);
        if (o == MARK) {
            throw error("unexpected MARK on the stack");
        }
        return o;
    }

    private Object peek() {
        if (stack.isEmpty() || stack.get(stack.size() - 1) == MARK) {
            throw error("stack underflow");
        }
        return stack.get(stack.size() - 1);
    }

    private List<Object> popMark() {
        int mark = stack.lastIndexOf(MARK);
        if (mark < 0) {
            throw error("no MARK on the stack");
        }
        List<Object> items = new ArrayList<>(stack.subList(mark + 1, stack.size()));
        stack.subList(mark, stack.size()).clear();
        return items;
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> dict(Object o) {
        if (o instanceof Map<?, ?> m) {
            return (Map<Object, Object>) m;
        }
        throw error("SETITEM(S) on " + describe(o) + ", which is not a dict");
    }

    @SuppressWarnings("unchecked")
    private List<Object> list(Object o) {
        if (o instanceof ArrayList<?> l) {
            return (List<Object>) l;
        }
        throw error("APPEND(S) on " + describe(o) + ", which is not a list");
    }
}
