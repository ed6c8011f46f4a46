package dev.modelredirect.it.apps;

import com.sun.tools.attach.VirtualMachine;

/**
 * {@code Attach PID JAR OPTIONS}: loads a Java agent into a running JVM with the Attach API, as tools do. (Not
 * {@code jcmd PID JVMTI.agent_load}: jcmd reads {@code key=value} in its arguments as its own options, so the agent
 * would get {@code store} for {@code store=/x,endpoint=y}.)
 */
public final class Attach {
    private Attach() {
    }

    public static void main(String[] args) throws Exception {
        VirtualMachine vm = VirtualMachine.attach(args[0]);
        try {
            vm.loadAgent(args[1], args[2]);
        } finally {
            vm.detach();
        }
        System.out.println("attached");
    }
}
