package io.lakestream.stage.session;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The state kept per user: the sessions not yet closed by the watermark. Usually one; several when
 * events arrive out of order with gaps between them, until an event bridges them or the watermark
 * closes them.
 */
public class SessionState implements Serializable {

  private static final long serialVersionUID = 1L;

  private List<OpenSession> sessions = new ArrayList<>();

  public SessionState() {}

  SessionState(List<OpenSession> sessions) {
    this.sessions = new ArrayList<>(sessions);
  }

  public List<OpenSession> getSessions() {
    return sessions;
  }

  public void setSessions(List<OpenSession> sessions) {
    this.sessions = sessions;
  }
}
